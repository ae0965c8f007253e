#!/usr/bin/env node
// The rio-farm CLI. Sources are TypeScript run through tsx, so no build step stands between a
// fresh clone and a working CLI.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
