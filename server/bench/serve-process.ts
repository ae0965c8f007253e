/** Starts `rio-farm serve --port 0` on a store for a benchmark; resolves with its base URL once it prints it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** CPU seconds (user + system) a process has used, from /proc: the machine is shared, wall time is not ours alone. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

export function startServe(store: string, env: NodeJS.ProcessEnv = {}): Promise<{ base: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['harness/bin/rio-farm.mjs', 'serve', '--port', '0', '--db', `sqlite:${store}`],
    { env: { ...process.env, RIO_FARM_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /dashboard at (http:\/\/\S+?)\/\s/.exec(out);
      if (m) resolve({ base: m[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`rio-farm serve exited with ${code}`)));
  });
}
