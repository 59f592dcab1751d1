/**
 * Why a room's work runs in a scope of its own. Every activity, timer and condition started in a
 * cancellable scope hangs a callback on that scope's `cancelRequested` promise, and the SDK never
 * removes it: it keeps the operation's closure, arguments included (the events a persist carried,
 * the plan a delivery sent). A room lives in the root scope for its whole run, so its heap grew by
 * ~9 KB per message until the next continue-as-new (bench/README.md «Heap at 1 and at 200
 * messages»). In a non-cancellable scope the SDK hangs nothing for an operation. The scope is made
 * once per run: each new scope hangs a callback (and itself) on its parent's promise for good.
 *
 * Nothing cancels a room's work (the kit never cancels a room workflow; a room ends by closing), so
 * the only behaviour that changes is the one an operator's cancel request would have had on work
 * already started: it finishes; the loop's own waits stay in the root scope and still see it. The
 * scope adds awaits, which can move a command within its workflow task, so runs recorded before the
 * `bounded-scopes` patch keep the bare path.
 */
import { CancellationScope } from '@temporalio/workflow';

/** The run's scope for units of work, or undefined on runs recorded before the patch. */
export function workScope(bounded: boolean): CancellationScope | undefined {
  return bounded ? new CancellationScope({ cancellable: false }) : undefined;
}

/** Run one unit of the room's work (a command, an AI answer, a delivery batch) in the run's work scope. */
export function inWorkScope<T>(rs: { workScope: CancellationScope | undefined }, work: () => Promise<T>): Promise<T> {
  return rs.workScope ? rs.workScope.run(work) : work();
}
