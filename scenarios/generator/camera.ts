/**
 * The camera: a pinhole looking at the desk plane. A plane point (X, Y, 0) in millimetres goes to
 * frame pixels through H = K·[r1 r2 t]; cards lie on the plane, so their corner images under H are
 * the exact truth quads.
 */
import { mul, type Mat3 } from './homography.ts';

/** Horizontal field of view of the long frame side, typical of a phone's main camera. */
export const LONG_SIDE_FOV_DEG = 66;

export interface CameraPose {
  /** Frame size in pixels. */
  width: number;
  height: number;
  /** Distance from the camera to the plane point under the card centre, millimetres. */
  distanceMm: number;
  /** Tilt of the plane away from the sensor plane, degrees (0 = shot straight down). */
  tiltDeg: number;
  /** Direction of the tilt axis in the plane, degrees. */
  tiltAxisDeg: number;
  /** Where the plane origin lands in the frame, pixels. */
  centre: [number, number];
}

export function focalPx(width: number, height: number): number {
  return Math.max(width, height) / (2 * Math.tan((LONG_SIDE_FOV_DEG * Math.PI) / 360));
}

/** Plane (mm) → frame (px) homography for a pose. */
export function planeToFrame(p: CameraPose): Mat3 {
  const f = focalPx(p.width, p.height);
  const cx = p.width / 2, cy = p.height / 2;
  const th = (p.tiltDeg * Math.PI) / 180, ph = (p.tiltAxisDeg * Math.PI) / 180;
  // Rodrigues rotation about the in-plane axis (cos φ, sin φ, 0).
  const ax = Math.cos(ph), ay = Math.sin(ph);
  const c = Math.cos(th), s = Math.sin(th), C = 1 - c;
  const r11 = c + ax * ax * C, r12 = ax * ay * C, r21 = ay * ax * C, r22 = c + ay * ay * C;
  const r31 = -ay * s, r32 = ax * s;
  const d = p.distanceMm;
  const tx = ((p.centre[0] - cx) * d) / f, ty = ((p.centre[1] - cy) * d) / f;
  const K: Mat3 = [f, 0, cx, 0, f, cy, 0, 0, 1];
  const Rt: Mat3 = [r11, r12, tx, r21, r22, ty, r31, r32, d];
  return mul(K, Rt);
}

/** Card-local millimetres (origin at the card's top-left) → plane millimetres. */
export function cardToPlane(widthMm: number, heightMm: number, centreMm: [number, number], rotationDeg: number): Mat3 {
  const a = (rotationDeg * Math.PI) / 180, c = Math.cos(a), s = Math.sin(a);
  const ox = -widthMm / 2, oy = -heightMm / 2;
  return [c, -s, c * ox - s * oy + centreMm[0], s, c, s * ox + c * oy + centreMm[1], 0, 0, 1];
}
