/** Writes reports/<run-id>/{run.json, junit.xml, report.html} from the store. */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store/index.ts';
import { exportRun } from '../store/run-export.ts';
import { junitXml } from './junit.ts';
import { htmlReport } from './html-report.ts';
import { worstFrames } from './worst-frames.ts';
import { summaryTable } from './summary-table.ts';

export interface ReportFiles { json: string; junit: string; html: string; table: string }

export async function writeReports(store: Store, runId: string, outDir: string): Promise<ReportFiles> {
  mkdirSync(outDir, { recursive: true });
  const exp = await exportRun(store, runId);
  const files = { json: join(outDir, 'run.json'), junit: join(outDir, 'junit.xml'), html: join(outDir, 'report.html') };
  writeFileSync(files.json, JSON.stringify(exp));
  writeFileSync(files.junit, junitXml(exp));
  writeFileSync(files.html, htmlReport(exp, await worstFrames(exp)));
  return { ...files, table: summaryTable(exp) };
}
