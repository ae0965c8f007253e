/**
 * Pushes a suite's frames to the app's content-addressed frame folder, skipping every file the
 * device already holds (same sha256 name and size) — frames stay on the device across runs.
 */
import { statSync } from 'node:fs';
import type { AdbDevice } from '../devices/adb-device.ts';
import { FRAMES_DIR } from '../../../android-demo/contract/app-identity.ts';

export interface FrameFile { sha256: string; path: string }
export interface PushOutcome { files: number; skipped: number; bytes: number; ms: number }

/** `have`: the device's frame folder as listed before (name → size), to skip listing it again per scenario. */
export async function pushFrames(adb: AdbDevice, frames: readonly FrameFile[], onFile?: (done: number, total: number) => void,
  have?: ReadonlyMap<string, number>): Promise<PushOutcome> {
  const t0 = performance.now();
  const unique = [...new Map(frames.map((f) => [f.sha256, f])).values()];
  have ??= await adb.list(FRAMES_DIR);
  const todo = unique.map((f) => ({ ...f, size: statSync(f.path).size })).filter((f) => have.get(`${f.sha256}.jpg`) !== f.size);
  let done = 0;
  await adb.pushMany(todo.map((f) => ({ from: f.path, to: `${FRAMES_DIR}/${f.sha256}.jpg` })), () => onFile?.(++done, todo.length));
  const bytes = todo.reduce((s, f) => s + f.size, 0);
  return { files: todo.length, skipped: unique.length - todo.length, bytes, ms: performance.now() - t0 };
}
