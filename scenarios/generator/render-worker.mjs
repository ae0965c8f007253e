// Worker-thread entry: sources are TypeScript, so register tsx in this thread before loading them.
import { register } from 'tsx/esm/api';
register();
await import('./render-worker.ts');
