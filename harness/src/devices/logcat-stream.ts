/**
 * `adb logcat -B *:I` on a socket the harness owns. adbkit's own openLogcat returns a reader whose
 * end() only ends a transform in front of the socket: the socket to the adb server stays open,
 * which alone kept `rio-farm run` from ever exiting. Here the same command, the same line-feed
 * fix and the same binary parser (adbkit's, loaded from where adbkit resolves them) sit on a shell
 * socket we keep, so end() really closes the stream.
 */
import { createRequire } from 'node:module';
import type { Duplex, Transform } from 'node:stream';
import type { EventEmitter } from 'node:events';
import type { DeviceClient } from '@devicefarmer/adbkit';

const fromAdbkit = createRequire(createRequire(import.meta.url).resolve('@devicefarmer/adbkit'));
const LineTransform = (fromAdbkit('./src/adb/linetransform.js') as { default: new (o: { autoDetect: boolean }) => Transform }).default;
const Logcat = fromAdbkit('@devicefarmer/adbkit-logcat') as {
  readStream(stream: NodeJS.ReadableStream, options: { fixLineFeeds: boolean }): EventEmitter;
};

/** The exact command adbkit's openLogcat sends (the leading echo lets the line-feed fix detect a pty). */
export const LOGCAT_COMMAND = 'echo && logcat -B *:I 2>/dev/null';

export interface LogcatStream { reader: EventEmitter; close(): void }

/** Opens logcat on `device`; close() destroys the socket, which makes the adb server end the device stream. */
export async function openLogcatStream(device: DeviceClient): Promise<LogcatStream> {
  const socket = await device.shell(LOGCAT_COMMAND) as unknown as Duplex;
  const lines = socket.pipe(new LineTransform({ autoDetect: true }));
  socket.once('error', (err) => lines.destroy(err));
  socket.once('close', () => { if (!lines.writableEnded) lines.end(); });
  return { reader: Logcat.readStream(lines, { fixLineFeeds: false }), close: () => socket.destroy() };
}
