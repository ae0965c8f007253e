import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';

/** Registers `rio-farm serve`: the API and dashboards (the logic lives in server/). */
export function registerServe(program: Command): void {
  program.command('serve')
    .description('serve the REST API and the chart.js dashboards over the store')
    .option('--port <n>', 'TCP port', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port number 0-65535');
      return n;
    }, 8080)
    .option('--host <addr>', 'address to listen on (loopback by default; farm hosts that upload need a reachable one)', '127.0.0.1')
    .option('--db <url>', 'store: sqlite:PATH or postgres://… (default: $RIO_FARM_DB or sqlite:.rio-farm/rio-farm.db)')
    .option('--token <token>', 'bearer token for run uploads (default: $RIO_FARM_TOKEN; without one uploads are refused)')
    .option('--tls-cert <pem>', 'serve HTTPS with this certificate (farm agents send their tokens over it)')
    .option('--tls-key <pem>', 'the private key of --tls-cert')
    .action(async (opts: { port: number; host: string; db?: string; token?: string; tlsCert?: string; tlsKey?: string }) => {
      const { startServer } = await import('../../../../server/src/start.ts');
      await startServer(opts);
    });
}
