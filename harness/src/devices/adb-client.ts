/**
 * An adbkit client for one adb server that remembers every connection it opens, so the command
 * that made it can close them all when it ends. adbkit hands out raw sockets (shell streams,
 * logcat, sync) and never closes a stream whose reader stopped early or whose deadline passed; one
 * such socket to the adb server is enough to keep a finished `rio-farm run` alive forever.
 */
import type { Socket } from 'node:net';
import adbkit from '@devicefarmer/adbkit';
import type { Client } from '@devicefarmer/adbkit';

// adbkit is CommonJS: its named exports exist only on the default export under Node's ESM loader
const { Client: AdbkitClient } = adbkit as unknown as { Client: typeof Client };

type Connection = { socket: Socket };

export class AdbServerClient extends AdbkitClient {
  private readonly open = new Set<Socket>();
  private closed = false;

  /** Every adbkit command opens its connection here: keep the socket until it closes. */
  override connection(): ReturnType<Client['connection']> {
    return super.connection().then((conn: unknown) => {
      const { socket } = conn as unknown as Connection;
      // A connection that finishes opening after closeAll() would otherwise escape it.
      if (this.closed) socket.destroy();
      else if (!socket.destroyed) {
        this.open.add(socket);
        socket.once('close', () => this.open.delete(socket));
      }
      return conn;
    });
  }

  /** Connections to the adb server still open. */
  get openConnections(): number { return this.open.size; }

  /** Closes every connection this client still holds; later connections are closed as they open. */
  closeAll(): void {
    this.closed = true;
    for (const s of this.open) s.destroy();
    this.open.clear();
  }
}

/** An adbkit client for the adb server on 127.0.0.1:adbPort. */
export function adbClient(adbPort: number): AdbServerClient {
  return new AdbServerClient({ host: '127.0.0.1', port: adbPort, bin: 'adb', timeout: 0 });
}
