// A bare blind patch's commit log entry, logged by its id alone (core-store.ts logPatchPending)
// while its statement is in flight, so that after the answer only a crossing with numbers is
// left: confirm, or retract when the statement wrote nothing or failed (store_settle_pending).
//
// The entry is appended once the driver has written the statement out, so that the core's work
// does not delay the socket write; if the answer comes first, it is appended then (correct
// either way: the store runs a blind patch while no other commit is in flight, so no other
// entry is pending around it, and a mutation beginning meanwhile is checked against it).
import { afterDriverWrite } from "../adapters/cells.js";
import type { CoreStore } from "./core-store.js";

export class PendingById {
  private logged: { affected: number[]; sequence: number } | undefined;
  private settled = false;

  /** `writesLater`: the exec's driver writes a statement out on a later turn (adapters/cells.ts). */
  constructor(private readonly core: CoreStore, private readonly id: string, writesLater: boolean) {
    afterDriverWrite(writesLater, () => this.log());
  }

  private log(): void {
    if (this.settled) return;
    try {
      this.logged = this.core.logPatchPending(this.id);
    } catch {
      // logged again by confirm(), whose failure the store handles (logLanded)
    }
  }

  /** The statement wrote nothing, or failed: the entry, if appended, is retracted. */
  retract(): void {
    this.settled = true;
    if (this.logged) this.core.settlePending(this.logged.sequence, false);
  }

  /** The statement wrote the row: the entry is confirmed. Returns the subscriptions it affects. */
  confirm(): number[] {
    this.settled = true;
    const entry = this.logged ?? this.core.logPatchPending(this.id);
    this.core.settlePending(entry.sequence, true);
    return entry.affected;
  }
}
