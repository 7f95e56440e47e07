// Point reads of one store, batched under load.
//
// Concurrent mutations each read their documents by id. A read made while no other is in flight
// or waiting goes to the driver at once (a lone read never waits, and schedules nothing); the
// reads made while one is in flight are gathered until the end of their turn of the event loop
// (a microtask) and leave as ONE statement per table (`SELECT ... WHERE _id IN (...)`,
// sql/point_reads.hpp), up to `maxInFlight` statements at a time. Reads that arrive while that
// many are in flight queue up, and when one returns, the queue of a table leaves as one
// statement. 32 concurrent read-modify-writes then cost one round trip of reads (a single read
// beside one batch of 31) instead of 32.
// Each mutation's read is still recorded in its own read set by the core (tx_get) before it is
// queued here, so OCC is unchanged. `maxInFlight: Infinity` turns batching off: every read
// goes alone, at once.
import type { Statement } from "./core-store.js";

type Row = Record<string, unknown>;

interface QueuedRead {
  id: string;
  statement: Statement;
  resolve: (row: Row | undefined) => void;
  reject: (error: unknown) => void;
}

/** Most ids one batched read carries (the core's kMaxIdsPerPointRead). */
const MAX_IDS = 64;

export class PointReads {
  private inFlight = 0;
  private flushing = false; // a flush at the end of this turn is scheduled
  private readonly queued = new Map<string, QueuedRead[]>(); // table -> reads, in arrival order

  constructor(
    private readonly run: (statement: Statement) => Promise<{ rows: Row[] }>,
    private readonly statementFor: (table: string, ids: readonly string[]) => Statement,
    private readonly maxInFlight: number,
  ) {}

  /** The row of document `id` of `table` (undefined: none); `statement` reads it alone. */
  read(table: string, id: string, statement: Statement): Promise<Row | undefined> {
    // Alone: at once. Beside others: gathered until the end of the turn.
    if (this.maxInFlight === Infinity || (this.inFlight === 0 && this.queued.size === 0)) {
      this.inFlight += 1;
      return this.run(statement).then(
        ({ rows }) => {
          this.settled();
          return rows[0];
        },
        (error: unknown) => {
          this.settled();
          throw error;
        },
      );
    }
    return new Promise((resolve, reject) => {
      let reads = this.queued.get(table);
      if (reads === undefined) this.queued.set(table, (reads = []));
      reads.push({ id, statement, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        queueMicrotask(this.flushAtTurnEnd);
      }
    });
  }

  private readonly flushAtTurnEnd = () => {
    this.flushing = false;
    this.flush();
  };

  private async track<T>(pending: Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await pending;
    } finally {
      this.settled();
    }
  }

  /** A statement came back: room for the next queued batch. */
  private settled(): void {
    this.inFlight -= 1;
    this.flush();
  }

  /** Sends queued reads, a table's batch at a time, while there is room. */
  private flush(): void {
    for (const [table, reads] of this.queued) {
      if (this.inFlight >= this.maxInFlight) return;
      const batch = reads.splice(0, MAX_IDS);
      if (reads.length === 0) this.queued.delete(table);
      void this.sendBatch(table, batch);
    }
  }

  private async sendBatch(table: string, batch: QueuedRead[]): Promise<void> {
    try {
      if (batch.length === 1) {
        const only = batch[0]!;
        only.resolve(await this.track(this.run(only.statement).then(({ rows }) => rows[0])));
        return;
      }
      const ids = [...new Set(batch.map((read) => read.id))];
      let statement: Statement;
      try {
        statement = this.statementFor(table, ids);
      } catch (error) {
        for (const read of batch) read.reject(error);
        return;
      }
      const { rows } = await this.track(this.run(statement));
      const byId = new Map<string, Row>();
      for (const row of rows) byId.set(String(row._id), row);
      for (const read of batch) read.resolve(byId.get(read.id));
    } catch (error) {
      for (const read of batch) read.reject(error);
    }
  }
}
