/** Writes one UiAttemptRecord per spec attempt (the launcher stores them all after the run). */
import type { AttemptInfo } from './device-test.ts';
import { sessionSerial } from './session.ts';
import { appendAttempt, type UiAttemptRecord, type UiPlan, type UiScenario } from '../farm/ui-plan.ts';

/** An `onAttemptEnd` for deviceIt; `details` adds what the attempt measured. */
export function recordAttempts(plan: UiPlan, scenario: UiScenario, details: () => Partial<UiAttemptRecord> = () => ({})) {
  return async ({ attempt }: AttemptInfo, error: unknown, infra: boolean): Promise<void> => {
    const rec = details();
    appendAttempt(plan, {
      ...rec, serial: rec.serial ?? await sessionSerial().catch(() => 'unknown'), attempt,
      lighting: scenario.lighting, scenarioId: scenario.scenarioId,
      startedAt: rec.startedAt ?? Date.now(), finishedAt: Date.now(),
      outcome: error === undefined ? 'ok' : infra ? 'infra_error' : 'product_failure',
      error: error === undefined ? undefined : error instanceof Error ? error.message : String(error),
    });
  };
}
