import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RioError } from '../../errors.ts';
import { storeUrl } from '../../store/store-url.ts';
import { DEFAULT_ADB_PORT } from '../../devices/index.ts';

const collect = (v: string, prev: string[] = []) => [...prev, v];
const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new RioError('BAD_ARGUMENT', `${name} needs an integer ≥ 0, got "${v}"`, { option: name });
  return n;
};

/** Registers `rio-farm agent`, `rio-farm submit` and `rio-farm host token …`; the logic lives in harness/src/farm/ and server/. */
export function registerFarm(program: Command): void {
  program.command('agent')
    .description('run this host as a farm agent: register its devices with the server, claim jobs for them, run and upload them (stops on SIGINT/SIGTERM)')
    .requiredOption('--server <url>', 'the rio-farm server (https:// with `serve --tls-cert`; a private CA via NODE_EXTRA_CA_CERTS)')
    .option('--token-file <path>', "this host's token (default: $RIO_FARM_HOST_TOKEN; never on the command line, which ps shows)")
    .option('--work-dir <dir>', 'where each job keeps its local store and reports', '.rio-farm/agent')
    .option('--poll <ms>', 'how often free devices ask for work', positive('--poll'), 500)
    .option('--vdevices <n>', 'start n vdevices on this host (no phone attached)', positive('--vdevices'), 0)
    .option('--vdevice-profile <names>', 'profiles for --vdevices, comma-separated, used in turn', 'pixel-7-virtual,galaxy-a54-virtual,low-end-go-virtual')
    .option('--vdevice-home <dir>', '--vdevices keep storage and port (hence serial) here between starts, like phones on a hub')
    .action(async (o: { server: string; tokenFile?: string; workDir: string; poll: number; vdevices: number; vdeviceProfile: string; vdeviceHome?: string }) => {
      const { runAgent } = await import('../../farm/agent.ts');
      const { readToken } = await import('../../farm/farm-client.ts');
      const { terminalText } = await import('../../devices/terminal-text.ts');
      const token = readToken(o.tokenFile, 'RIO_FARM_HOST_TOKEN', (p) => readFileSync(p, 'utf8'));
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      await runAgent({
        server: o.server, token, workDir: resolve(o.workDir), pollMs: Math.max(50, o.poll), vdevices: o.vdevices,
        vdeviceProfiles: o.vdeviceProfile.split(',').map((s) => s.trim()).filter(Boolean), vdeviceHome: o.vdeviceHome ? resolve(o.vdeviceHome) : undefined,
        adbPort: Number(process.env.ANDROID_ADB_SERVER_PORT ?? DEFAULT_ADB_PORT),
        note: (line) => process.stderr.write(`${new Date().toISOString()} ${terminalText(line)}\n`), signal: stop.signal,
      });
    });

  program.command('submit')
    .description('queue a suite on the farm: one job per device (serial=…, or every registered device with all) or per device model (model=…)')
    .requiredOption('--server <url>', 'the rio-farm server')
    .requiredOption('--suite <name>', 'scenario suite')
    .option('--devices <which>', 'all | model=NAME[,NAME…] | serial=SERIAL[,SERIAL…]', 'all')
    .option('--repeat <n>', 'run every scenario n times', positive('--repeat'), 1)
    .option('--scenario <id>', 'only this scenario of the suite (repeatable)', collect, [])
    .option('--label <k=v>', 'label the runs (repeatable)', collect, [])
    .option('--token-file <path>', 'the admin (ingest) token (default: $RIO_FARM_TOKEN)')
    .action(async (o: { server: string; suite: string; devices: string; repeat: number; scenario: string[]; label: string[]; tokenFile?: string }) => {
      const { FarmClient, readToken } = await import('../../farm/farm-client.ts');
      const { parseDeviceSelector } = await import('../../farm/job-request.ts');
      const { parseLabels } = await import('../../run/run-options.ts');
      parseDeviceSelector(o.devices); // bad input is named here, before the server is asked
      const client = new FarmClient(o.server, readToken(o.tokenFile, 'RIO_FARM_TOKEN', (p) => readFileSync(p, 'utf8')));
      const r = await client.call<{ jobs: { id: string; target_kind: string; target: string }[] }>('/api/jobs',
        { suite: o.suite, devices: o.devices, repeat: o.repeat, labels: parseLabels(o.label), ...(o.scenario.length ? { scenarios: o.scenario } : {}) });
      for (const j of r.jobs) process.stdout.write(`${j.id}\t${j.target_kind}=${j.target}\n`);
    });

  program.command('release <serial>')
    .description('lift a phone\'s quarantine once it is fixed: it takes farm work again')
    .requiredOption('--server <url>', 'the rio-farm server')
    .option('--token-file <path>', 'the admin (ingest) token (default: $RIO_FARM_TOKEN)')
    .action(async (serial: string, o: { server: string; tokenFile?: string }) => {
      const { FarmClient, readToken } = await import('../../farm/farm-client.ts');
      const client = new FarmClient(o.server, readToken(o.tokenFile, 'RIO_FARM_TOKEN', (p) => readFileSync(p, 'utf8')));
      await client.call(`/api/devices/${encodeURIComponent(serial)}/release`, {});
      process.stdout.write(`released ${serial}\n`);
    });

  const host = program.command('host').description('farm hosts and their tokens (on the server\'s store)');
  const token = host.command('token').description('issue, revoke or list per-host tokens');
  token.command('issue <name>')
    .description('issue a token for host NAME (replacing its old one) and write it to --out (mode 600) or stdout, once: only its hash is stored')
    .option('--db <url>', 'the server\'s store (default: $RIO_FARM_DB or sqlite:.rio-farm/rio-farm.db)')
    .option('--out <file>', 'write the token here instead of stdout')
    .action(async (name: string, o: { db?: string; out?: string }) => {
      if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name)) throw new RioError('BAD_ARGUMENT', `host name must be letters, digits, _ . -, got ${JSON.stringify(name)}`, { argument: 'name' });
      const { openStore } = await import('../../store/index.ts');
      const { newHostToken, tokenHash } = await import('../../farm/host-token.ts');
      const { writeFileSync } = await import('node:fs');
      const store = await openStore(storeUrl(o.db ?? process.env.RIO_FARM_DB ?? 'sqlite:.rio-farm/rio-farm.db'));
      try {
        const t = newHostToken(name);
        await store.issueHostToken(name, tokenHash(t));
        if (o.out) { writeFileSync(o.out, t + '\n', { mode: 0o600 }); process.stderr.write(`token for ${name} written to ${o.out}\n`); }
        else process.stdout.write(t + '\n');
      } finally { await store.close(); }
    });
  token.command('revoke <name>')
    .description('revoke host NAME\'s token: its agent is refused from the next request on')
    .option('--db <url>', 'the server\'s store')
    .action(async (name: string, o: { db?: string }) => {
      const { openStore } = await import('../../store/index.ts');
      const store = await openStore(storeUrl(o.db ?? process.env.RIO_FARM_DB ?? 'sqlite:.rio-farm/rio-farm.db'));
      try {
        if (!await store.revokeHostToken(name)) throw new RioError('NOT_FOUND', `no host ${name} with a live token`, { host: name });
        process.stdout.write(`revoked ${name}\n`);
      } finally { await store.close(); }
    });
  token.command('list')
    .description('hosts, when their token was issued or revoked, last heartbeat')
    .option('--db <url>', 'the server\'s store')
    .action(async (o: { db?: string }) => {
      const { openStore } = await import('../../store/index.ts');
      const { terminalText } = await import('../../devices/terminal-text.ts');
      const store = await openStore(storeUrl(o.db ?? process.env.RIO_FARM_DB ?? 'sqlite:.rio-farm/rio-farm.db'));
      const iso = (t: number | null) => (t === null ? '-' : new Date(Number(t)).toISOString());
      try {
        for (const h of await store.listHosts()) {
          process.stdout.write(terminalText(`${h.name}\tissued ${iso(h.issued_at)}\t${h.revoked_at ? `revoked ${iso(h.revoked_at)}` : 'live'}\tlast heartbeat ${iso(h.last_heartbeat)}`) + '\n');
        }
      } finally { await store.close(); }
    });
}
