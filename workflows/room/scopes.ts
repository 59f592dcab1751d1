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
import { CancellationScope, condition } from '@temporalio/workflow';

/** The run's scope for units of work, and the root scope whose cancel request its waits watch. */
export interface RoomScopes {
  work: CancellationScope;
  root: CancellationScope;
}

/** Made once per run, at its start (undefined on runs recorded before the patch). */
export function roomScopes(bounded: boolean): RoomScopes | undefined {
  return bounded ? { work: new CancellationScope({ cancellable: false }), root: CancellationScope.current() } : undefined;
}

/** Run one unit of the room's work (a command, an AI answer, a delivery batch) in the run's work scope. */
export function inWorkScope<T>(rs: { scopes: RoomScopes | undefined }, work: () => Promise<T>): Promise<T> {
  return rs.scopes ? rs.scopes.work.run(work) : work();
}

/**
 * The command loop's wait for work. In the root scope each wait would leave its callback behind, one
 * per message; in the work scope it leaves nothing, and it ends on a cancel request as a wait of the
 * root scope does (the request's `CancelledFailure` is rethrown). Not `async`: on runs recorded
 * before the patch it is the bare `condition`, awaited in the same steps as before.
 */
export function waitForWork(rs: { scopes: RoomScopes | undefined }, until: () => boolean): Promise<void> {
  const { scopes } = rs;
  if (!scopes) return condition(until);
  return scopes.work.run(async () => {
    await condition(() => until() || scopes.root.consideredCancelled);
    if (scopes.root.consideredCancelled) await scopes.root.cancelRequested;
  });
}
