/**
 * What the command groups (lib/commands/*.js) may use on `this`: the driver's session state and
 * the commands of the other groups. Declared here because the groups are plain objects mixed into
 * RioVdeviceDriver (Object.assign), which JSDoc cannot describe; `npx tsc` checks them against it.
 */
import type { Element } from '@xmldom/xmldom';
import type { Element as WebElement } from '@appium/types';
import type { AdbDevice } from '../../src/devices/adb-device.ts';
import type { UiHierarchy } from './ui-hierarchy.js';

/** A W3C rect in screen pixels. */
export interface Rect { x: number; y: number; width: number; height: number }

/** Where an element was found and what it was, to find it again (or call it stale) in a later dump. */
export interface ElementRef { path: number[]; cls: string | null; resourceId: string | null }

/** One W3C pointer action (the fields the driver reads). */
export interface PointerAction { type: string; x?: number; y?: number; duration?: number; origin?: unknown }
/** One W3C input source. */
export interface InputSource { type: string; actions?: PointerAction[] }

export interface RioDriverContext {
  /** the device of the current session */
  adb: AdbDevice;
  opts: { appPackage?: string; appActivity?: string; noReset?: boolean; udid?: string; adbPort?: number; app?: string };
  implicitWaitMs: number;
  elements: Map<string, ElementRef>;
  elementCounter: number;
  isFeatureEnabled(name: string): boolean;

  readScreen(): Promise<UiHierarchy>;
  registerElement(screen: UiHierarchy, el: Element): WebElement;
  resolveElement(screen: UiHierarchy, elementId: string): Element;
  currentElement(elementId: string): Promise<Element>;
  click(elementId: string): Promise<void>;
  getAttribute(name: string, elementId: string): Promise<string | null>;
  getElementRect(elementId: string): Promise<Rect>;
  playPointer(source: InputSource): Promise<void>;
  moveTarget(a: PointerAction, pos: { x: number; y: number }): Promise<{ x: number; y: number }>;
  gesturePoint(elementId: string | undefined, x: number | undefined, y: number | undefined): Promise<{ x: number; y: number }>;
  getWindowRect(): Promise<Rect>;
  startActivity(intent: string, wait?: boolean, stop?: boolean, action?: string, extras?: unknown[]): Promise<string>;
}
