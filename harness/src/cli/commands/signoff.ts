import type { Command } from 'commander';
import { resolve } from 'node:path';
import { RioError } from '../../errors.ts';
import { storeUrl } from '../../store/store-url.ts';

/** Registers `rio-farm signoff` (+ `keygen`, `verify`); the logic lives in harness/src/signoff/. */
export function registerSignoff(program: Command): void {
  const signoff = program.command('signoff')
    .description('Sign off a candidate model against a baseline: ABBA blocks on the same devices and frames, paired statistics, policy gates, a signed report (exit 0 PASS, 1 FAIL, 4 INCONCLUSIVE, 2 infrastructure, 3 bad input)')
    .option('--candidate <path>', '.tflite, .apk or .onnx (converted; parity is a gate)')
    .option('--baseline <path>', '.tflite, .apk or .onnx')
    .option('--policy <file>', 'sign-off policy YAML (default scenarios/policies/signoff.yaml)')
    .option('--suite <name>', 'scenario suite (default: the policy\'s)')
    .option('--devices <list>', '"all" or comma-separated serials', 'all')
    .option('--db <url>', 'store: sqlite:PATH or postgres://…', 'sqlite:.rio-farm/rio-farm.db')
    .option('--out <dir>', 'report folder (default reports/signoffs/<id>)')
    .option('--key <file>', 'Ed25519 private key (PEM); default RIO_SIGNOFF_KEY')
    .option('--vdevices <n>', 'vdevices to start when no device is attached', (v) => Number(v), 3)
    .option('--vdevice-profile <names>', 'profiles for self-started vdevices, comma-separated', 'pixel-7-virtual,galaxy-a54-virtual,low-end-go-virtual')
    .action(async (o: Record<string, string | number | undefined>) => {
      if (!o.candidate || !o.baseline) throw new RioError('BAD_ARGUMENT', '--candidate and --baseline are required', { option: o.candidate ? '--baseline' : '--candidate' });
      const { loadSigningKey } = await import('../../signoff/signing.ts');
      const { runSignoff } = await import('../../signoff/run-signoff.ts');
      const key = loadSigningKey(o.key ? resolve(String(o.key)) : undefined); // before measuring anything: a missing key fails fast
      const summary = await runSignoff({
        candidate: resolve(String(o.candidate)), baseline: resolve(String(o.baseline)), policy: o.policy ? resolve(String(o.policy)) : undefined,
        suite: o.suite as string | undefined, db: storeUrl(String(o.db)), out: o.out ? resolve(String(o.out)) : undefined, key,
        devices: o.devices === 'all' ? 'all' : String(o.devices).split(',').map((s) => s.trim()).filter(Boolean),
        vdevices: Number(o.vdevices), vdeviceProfiles: String(o.vdeviceProfile).split(',').map((s) => s.trim()).filter(Boolean),
      });
      process.stdout.write(`${summary.table}\n`);
      process.exitCode = summary.exitCode;
    });

  registerPerturb(signoff);

  signoff.command('keygen')
    .description('write a new Ed25519 key pair: FILE (private, 0600) and FILE.pub')
    .argument('<file>', 'private key file to create')
    .action(async (file: string) => {
      const { generateSigningKey } = await import('../../signoff/signing.ts');
      const k = generateSigningKey(resolve(file));
      process.stdout.write(`private key ${k.privatePath}\npublic key  ${k.publicPath}\n`);
    });

  signoff.command('verify')
    .description('check a report\'s signature and recompute every figure from the store\'s raw frames (exit 0 verified, 1 refused)')
    .argument('<report.json>', 'a sign-off report')
    .option('--trust <file>', 'public key (PEM) the report must be signed by')
    // --db is `signoff`'s own option (commander gives it to the parent wherever it is written).
    .action(async (file: string, o: { trust?: string }, cmd: Command) => {
      const db = String(cmd.parent!.opts().db);
      const { readFileSync } = await import('node:fs');
      const { openStore } = await import('../../store/index.ts');
      const { verifyReport } = await import('../../signoff/verify.ts');
      const store = await openStore(storeUrl(db));
      try {
        const r = await verifyReport(store, resolve(file), o.trust ? readFileSync(resolve(o.trust), 'utf8') : undefined);
        if (r.ok) process.stdout.write(`verified: ${r.id}: signature holds and every figure recomputes byte for byte from the store\n`);
        else process.stdout.write(`REFUSED${r.id ? ` ${r.id}` : ''}:\n${r.problems.map((p) => `  - ${p}`).join('\n')}\n`);
        process.exitCode = r.ok ? 0 : 1;
      } finally { await store.close(); }
    });
}


/** `rio-farm signoff perturb`: a deterministic perturbed candidate for demos and power checks. */
export function registerPerturb(signoff: Command): void {
  signoff.command('perturb')
    .description('write a deterministically perturbed copy of an ONNX model as .onnx, or converted to .tflite (weights × (1 + scale·U[−1,1]), seeded)')
    .argument('<in.onnx>').argument('<out>', 'out.onnx or out.tflite')
    .option('--scale <x>', 'relative weight noise', (v) => Number(v), 0.05)
    .option('--seed <n>', 'noise seed', (v) => Number(v), 1)
    .option('--extra-convs <k>', 'also make it slower for real: k zero-weight 1×1 convolutions on the input image (outputs unchanged)', (v) => Number(v))
    .action(async (input: string, output: string, o: { scale: number; seed: number; extraConvs?: number }) => {
      const { readFileSync, writeFileSync } = await import('node:fs');
      const { perturbOnnx } = await import('../../signoff/perturb-model.ts');
      const { convertOnnxToTflite } = await import('../../../../android-demo/model/converter/convert.ts');
      const { slowerOnnx } = await import('../../signoff/slower-model.ts');
      const perturbed = perturbOnnx(readFileSync(input), o.scale, o.seed);
      const onnx = o.extraConvs === undefined ? perturbed : slowerOnnx(perturbed, o.extraConvs);
      // An .onnx output stays ONNX (a sign-off then converts it and gates its parity); anything else is converted here.
      const bytes = output.toLowerCase().endsWith('.onnx') ? onnx : convertOnnxToTflite(onnx).tflite;
      writeFileSync(output, bytes);
      const slower = o.extraConvs === undefined ? '' : `, ${o.extraConvs} dead-work convolution(s)`;
      process.stdout.write(`${output}: ${bytes.length} bytes (weights × (1 + ${o.scale}·U[−1,1]), seed ${o.seed}${slower})\n`);
    });
}
