/**
 * Prints one machine-readable line at the very end of a run: `N passed, N failed[, N skipped]`.
 * CI and the lead's scripts grep for it, so it counts test cases (not files) and never reports
 * `0 failed` for a broken run: a failed module without a failed test (import error, hook error),
 * an unhandled error, or an interrupted run each add one failure.
 */
import type { Reporter, SerializedError, TestModule, TestRunEndReason, Vitest } from 'vitest/node';

export interface RunCounts {
  passed: number;
  failed: number;
  skipped: number;
}

/** Counts test cases by final state and adds the run-level failures described above. */
export function countResults(
  testModules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<SerializedError>,
  reason: TestRunEndReason,
): RunCounts {
  const counts: RunCounts = { passed: 0, failed: 0, skipped: 0 };
  for (const testModule of testModules) {
    let moduleFailedTests = 0;
    for (const test of testModule.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') counts.passed++;
      else if (state === 'failed') moduleFailedTests++;
      // 'skipped' (skip/todo) and 'pending' (never ran, e.g. after a bail) both did not run.
      else counts.skipped++;
    }
    counts.failed += moduleFailedTests;
    if (moduleFailedTests === 0 && testModule.state() === 'failed') counts.failed++;
  }
  counts.failed += unhandledErrors.length;
  if (reason !== 'passed' && counts.failed === 0) counts.failed = 1;
  return counts;
}

/** Renders the summary line; `skipped` appears only when non-zero. */
export function formatCounts({ passed, failed, skipped }: RunCounts): string {
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}

export default class SummaryReporter implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): void {
    const line = formatCounts(countResults(testModules, unhandledErrors, reason));
    // Through vitest's logger so the line lands after the default reporter's summary.
    if (this.vitest) this.vitest.logger.log(`\n${line}`);
    else console.log(`\n${line}`);
  }
}
