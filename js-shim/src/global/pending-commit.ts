// A lone mutation's commit log entry, appended while its statement is in flight.
//
// The commit is validated and planned before its statement is sent (CoreWriteSet.checkPlan);
// logging it (the entry other mutations' read sets and the live queries are checked against)
// waits until the driver has written the statement out, so that the core's work overlaps the
// server's instead of delaying the socket write. This is safe because the store commits one
// at a time: no other commit is validated or logged between this one's validation and its
// entry, and a mutation that begins meanwhile is checked against the entry once it is there
// (its reads began before it). If the answer comes first, the entry is appended then.
import { afterDriverWrite } from "../adapters/cells.js";
import type { CoreStore, CoreWriteSet } from "./core-store.js";

export class PendingCommit {
  private logged: { affected: number[]; sequence: number } | undefined;
  private settled = false;

  /** `writesLater`: the exec's driver writes a statement out on a later turn (adapters/cells.ts). */
  constructor(private readonly core: CoreStore, private readonly writes: CoreWriteSet, writesLater: boolean) {
    afterDriverWrite(writesLater, () => this.log());
  }

  private log(): void {
    if (this.settled || this.logged !== undefined) return;
    try {
      this.logged = this.writes.recordCommit();
    } catch {
      // logged again by confirm(), which then throws
    }
  }

  /** The statement failed: the entry, if appended, is retracted. */
  retract(): void {
    this.settled = true;
    if (this.logged !== undefined) this.core.retract(this.logged.sequence);
  }

  /** The statement committed: the entry is confirmed and the mutation ended. Returns the subscriptions it affects. */
  confirm(): number[] {
    this.settled = true;
    const entry = this.logged ?? this.writes.recordCommit();
    this.writes.finish(entry.sequence);
    return entry.affected;
  }
}
