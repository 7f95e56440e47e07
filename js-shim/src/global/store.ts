// The `.global()` store: documents in Postgres/MySQL through the WASM core.
//
// The core owns everything that must be identical on every engine: schema, layout, DDL and
// migrations, validation, ids, index keys and the SQL of each read and commit. This file
// sequences I/O: it runs the core's statements through a SqlExec, decodes rows, keeps each
// mutation's reads-own-writes overlay, and retries mutations that lose a `_version` race.
import {
  ConflictError,
  SqlConnectionError,
  DocumentNotFoundError,
  SchemaMigrationError,
  StoreConfigurationError,
  ValidationError,
} from "../errors.js";
import type { DocInput, DocPatch, Doc, GenericSchema, GlobalTableNames, SchemaJSON } from "../schema/schema.js";
import { SchemaDefinition } from "../schema/schema.js";
import type { Id } from "../schema/validators.js";
import { encodeValueText, isPlainObject, setField } from "../values/wire.js";
import type { Dialect, EngineName } from "../core/dialects.js";
import {
  CoreStore,
  type BatchPlan,
  type BlindPatchReturns,
  type BlindPatchStatement,
  type CoreWriteSet,
  type MigrationReport,
  type Statement,
} from "./core-store.js";
import { reportsRowCounts, type SqlExec } from "./exec.js";
import { cellsWriteLater, hasCells, queryCells, type CellsSource } from "../adapters/cells.js";
import { PendingById } from "./pending-by-id.js";
import { PendingCommit } from "./pending-commit.js";
import { decodeRow, type Document, type TableInfo } from "./rows.js";
import { checkSqliteColumnKinds, migrateSqliteAtomically } from "./sqlite-migrate.js";
import { QueryBuilder, type CellsRunner } from "./query.js";
import { PointReads } from "./point-reads.js";

export type { MigrationReport } from "./core-store.js";
export type { IndexRangeBuilder, PaginationOptions, PaginationResult } from "./query.js";

export interface StoreOptions {
  /** Create missing tables/indexes before first use (default true). */
  autoMigrate?: boolean;
  /** Re-runs of a mutation that lost a `_version` race before ConflictError (default 4). */
  maxRetries?: number;
  /** First backoff in ms; doubled per retry, with jitter (default 10). */
  retryBaseDelayMs?: number;
  /** Clock for `_creationTime` (default Date.now). */
  now?: () => number;
  /**
   * How long a commit may wait for mutations still running in this store to reach their
   * commit and join its group (default 2 ms; 0 disables). Only when others are running.
   */
  groupCommitWindowMs?: number;
  /**
   * A mutation whose only operation is one `patch` or `delete` commits it as one statement
   * that reads nothing first and gets the row back from it (default true; Postgres, and
   * MariaDB >= 10.5 for deletes and for patches while no onChange listener needs `before`).
   * When the statement writes nothing (no such document, or the patched document might exceed
   * 1 MiB), the mutation runs again reading first, so its errors are the same as without.
   */
  blindPatches?: boolean;
  /**
   * Point reads (`get`) sent to the driver at once (default 4). Reads arriving while this
   * many are in flight wait and then go together as one statement per table, so many
   * concurrent mutations share a few read round trips. Infinity: never batch.
   */
  maxPointReadsInFlight?: number;
}

export interface ChangeWrite {
  table: string;
  id: string;
  op: "insert" | "update" | "delete";
  before: Document | null;
  after: Document | null;
}

export interface ChangeBatch {
  commitTs: number;
  writes: ChangeWrite[];
}

export type QueryInitializer<D> = QueryBuilder<D>;
export type Query<D> = QueryBuilder<D>;

type Tables<S extends GenericSchema> = GlobalTableNames<S>;
type TableOf<I> = I extends Id<infer T> ? T : string;

export interface DatabaseReader<S extends GenericSchema = GenericSchema> {
  get<T extends Tables<S>>(id: Id<T>): Promise<Doc<S, T> | null>;
  get<T extends Tables<S>>(table: T, id: Id<T> | string): Promise<Doc<S, T> | null>;
  query<T extends Tables<S>>(table: T): QueryInitializer<Doc<S, T>>;
  normalizeId<T extends Tables<S>>(table: T, id: string): Id<T> | null;
}

export interface DatabaseWriter<S extends GenericSchema = GenericSchema> extends DatabaseReader<S> {
  insert<T extends Tables<S>>(table: T, doc: DocInput<S, T>): Promise<Id<T>>;
  patch<I extends Id<Tables<S>>>(id: I, partial: DocPatch<S, TableOf<I> & Tables<S>>): Promise<void>;
  replace<I extends Id<Tables<S>>>(id: I, doc: DocInput<S, TableOf<I> & Tables<S>>): Promise<void>;
  delete(id: Id<Tables<S>>): Promise<void>;
}

export interface GlobalCtxDb<S extends GenericSchema = GenericSchema> {
  migrate(): Promise<MigrationReport>;
  mutation<R>(fn: (db: DatabaseWriter<S>) => Promise<R>): Promise<R>;
  query<R>(fn: (db: DatabaseReader<S>) => Promise<R>): Promise<R>;
  subscribe<R>(fn: (db: DatabaseReader<S>) => Promise<R>, onUpdate: (value: R) => void, onError?: (e: unknown) => void): () => void;
  onChange(listener: (batch: ChangeBatch) => void): () => void;
}

export interface HyperdriveGlobalCtxDbOptions<S extends GenericSchema> extends StoreOptions {
  engine: EngineName | Dialect;
  exec: SqlExec;
  schema: S | SchemaJSON;
}

const SCAN_PAGE = 500;

export function createHyperdriveGlobalCtxDb<S extends GenericSchema>(options: HyperdriveGlobalCtxDbOptions<S>): GlobalCtxDb<S> {
  return new GlobalStore<S>(options) as unknown as GlobalCtxDb<S>;
}

interface ReadDoc {
  table: string;
  doc: Document | null;
  version: string;
}

/**
 * A patch or delete that was the mutation's first operation, kept unsent: if nothing else
 * happens in the mutation it commits as one statement (`statement`, which needs no read
 * first); if anything else does, `apply` first makes it an ordinary one (read, then write).
 */
interface BlindWrite {
  kind: "patch" | "delete";
  id: string;
  table: string;
  /** What the statement returns (core-store.ts BlindPatchReturns). */
  returns: BlindPatchReturns;
  statement: Statement;
  set: Record<string, unknown>;
  unset: string[];
  apply: () => Promise<void>;
}

/** A mutation's state: the core write set plus the documents it read and wrote. */
class MutationState {
  readonly docs = new Map<string, ReadDoc>();  // id -> current view (null: deleted)
  readonly before = new Map<string, Document | null>();  // id -> as first read (null: inserted here)
  readonly order: string[] = [];
  /** No operation has started yet (a patch or delete may then stay blind). */
  fresh = true;
  blind: BlindWrite | undefined;
  private applying: Promise<void> | undefined;
  /** This run saw its blind write fail to apply: the mutation runs again, reading first. */
  rerunReadingFirst = false;
  private begun: CoreWriteSet | undefined;

  /** `careful`: this run reads before every write (a re-run after a blind write wrote nothing). */
  constructor(private readonly begin: () => CoreWriteSet, readonly careful = false) {}

  /** The core's write set, begun at the first operation that needs it (a blind patch never does). */
  get writes(): CoreWriteSet {
    return (this.begun ??= this.begin());
  }

  /** Ends the write set, if one was begun. */
  end(): void {
    this.begun?.end();
  }

  /**
   * Called as any operation starts: a blind patch kept so far becomes an ordinary one first,
   * so the operation sees it. Undefined when there is nothing to wait for.
   */
  settle(): Promise<void> | undefined {
    this.fresh = false;
    const blind = this.blind;
    if (blind === undefined) return this.applying;
    this.blind = undefined;
    // (apply() itself reads through settle(), which then sees no blind patch and no applying.)
    this.applying = blind.apply().then(
      () => {
        this.applying = undefined;
      },
      (error: unknown) => {
        // The patch's own error (say, no such document) surfaces here, in a later operation,
        // where the user's code may not expect it: the run is discarded and re-run reading first.
        this.rerunReadingFirst = true;
        throw error;
      },
    );
    return this.applying;
  }

  /**
   * Patches recorded by what they name only (CoreWriteSet.patch), by id, until completed: the
   * core's pending copy of such a document is not whole, so a query of its table first sends
   * the whole merged document (completePartial). Undefined while there are none.
   */
  partial: Map<string, PartialPatch> | undefined;

  /** settle(), then the partial patches of `table` completed: what a query waits for. */
  settleForQuery(table: string): Promise<void> | undefined {
    const settling = this.settle();
    if (settling) return settling.then(() => this.completePartial(table));
    this.completePartial(table);
    return undefined;
  }

  /** Sends the whole merged documents of the partial patches of `table` (see `partial`). */
  completePartial(table: string): void {
    const partial = this.partial;
    if (partial === undefined) return;
    for (const [id, patch] of partial) {
      if (patch.table !== table) continue;
      partial.delete(id);
      const { _id, _creationTime, ...fields } = this.docs.get(id)!.doc!;
      this.writes.update(id, patch.version, patch.creationTime, patch.oldWire, encodeValueText(fields), patch.changed);
    }
  }

  touched(id: string, before: Document | null): void {
    if (!this.before.has(id)) {
      this.before.set(id, before);
      this.order.push(id);
    }
  }
}

/** A patch recorded by what it names (MutationState.partial): what completing it needs. */
interface PartialPatch {
  table: string;
  version: string;
  creationTime: number;
  oldWire: string;
  changed: string[];
}

class GlobalStore<S extends GenericSchema> {
  private readonly engine: EngineName;
  private readonly schemaJson: string;
  private core: CoreStore | undefined;
  private tables = new Map<string, TableInfo>();
  private starting: Promise<void> | undefined;
  private migrating: Promise<MigrationReport> | undefined;
  private migrated = false;
  private readonly listeners = new Set<(batch: ChangeBatch) => void>();
  private commitTs = 0;
  // Mutations waiting to commit; see commit().
  private readonly waiting: WaitingCommit[] = [];
  // Mutations whose function is still running, and the drain's wake-up while it gathers.
  private running = 0;
  private arrived: (() => void) | undefined;
  private draining = false;
  private subscriptionIds = 0;
  private readonly subscriptions = new Map<number, () => void>();
  private readonly pointReads: PointReads;
  /** Postgres: a lone guarded write is checked by the affected-row count (exec.ts reportsRowCounts). */
  private readonly rowCounts: boolean;
  // Whether patches may go blind here (Postgres; MariaDB >= 10.5 unless statement-based binlog).
  private blindPatching = false;
  /** A patch after a read may record only what it names (CoreWriteSet.patch); SQLite writes whole rows. */
  readonly partialPatches: boolean;

  constructor(private readonly options: HyperdriveGlobalCtxDbOptions<S>) {
    const engine = typeof options.engine === "string" ? options.engine : options.engine?.name;
    if (engine !== "postgres" && engine !== "mysql" && engine !== "sqlite") {
      throw new StoreConfigurationError(`engine must be "postgres", "mysql", "sqlite" or a Dialect, got ${String(engine)}`);
    }
    if (!options.exec || typeof options.exec.query !== "function") {
      throw new StoreConfigurationError("exec must be a SqlExec ({ query(text, params) }); see buildPgExec / buildMysqlExec");
    }
    this.engine = engine;
    this.partialPatches = engine !== "sqlite";
    this.rowCounts = engine === "postgres" && (options.exec as { [reportsRowCounts]?: boolean })[reportsRowCounts] === true;
    this.pointReads = new PointReads(
      (statement) => this.run(statement),
      (table, ids) => this.core!.getMany(table, ids),
      Math.max(1, options.maxPointReadsInFlight ?? DEFAULT_POINT_READS_IN_FLIGHT),
    );
    const schema = options.schema instanceof SchemaDefinition ? options.schema.toJSON() : options.schema;
    this.schemaJson = JSON.stringify(schema);
    // Internal test hook, for the project's differential test only (not API, not enumerable):
    // the core's brute-force reference answer to `query` (built with this store's reader) over
    // `docs`, the table's full documents.
    Object.defineProperty(this, "__testing", {
      enumerable: false,
      value: Object.freeze({
        referenceQuery: async (docs: Document[], query: QueryBuilder<unknown>, cursor: string | null, limit: number) => {
          const core = await this.ready();
          const queryJson = (query as unknown as { queryJson(): string }).queryJson();
          return core.referenceQuery(encodeValueText(docs), queryJson, cursor ?? "", limit);
        },
      }),
    });
  }

  private get exec(): SqlExec {
    return this.options.exec;
  }

  /** Opens the core store (once); on MySQL first asks the server which collation to use. */
  private start(): Promise<void> {
    this.starting ??= (async () => {
      let textCollation: string | undefined;
      let mariadbReturning = false;
      if (this.engine === "mysql") {
        const { rows } = await this.exec.query("SELECT VERSION() AS version", []);
        const version = String(rows[0]?.version ?? "");
        const mariadb = /mariadb/i.test(version);
        textCollation = mariadb ? "utf8mb4_nopad_bin" : "utf8mb4_0900_bin";
        if (mariadb && this.options.blindPatches !== false) mariadbReturning = await this.insertReturningIsSafe(version);
      }
      this.blindPatching = this.options.blindPatches !== false && (this.engine === "postgres" || mariadbReturning);
      this.core = new CoreStore(this.schemaJson, this.engine, {
        ...(textCollation ? { textCollation } : {}),
        ...(mariadbReturning ? { mariadbReturning } : {}),
        ...(this.rowCounts ? { rowCounts: true } : {}),
      });
      for (const table of this.core.layout()) this.tables.set(table.table, table);
    })().catch((error) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  /**
   * MariaDB's blind patch is an `INSERT ... SELECT ... ON DUPLICATE KEY UPDATE ... RETURNING`:
   * RETURNING needs 10.5, and under statement-based binary logging MariaDB flags that statement
   * as unsafe to replicate, so it is not used there.
   */
  private async insertReturningIsSafe(version: string): Promise<boolean> {
    const [major = 0, minor = 0] = version.split(/[.-]/).map(Number);
    if (major < 10 || (major === 10 && minor < 5)) return false;
    try {
      const { rows } = await this.exec.query("SELECT @@binlog_format AS binlog_format", []);
      return String(rows[0]?.binlog_format ?? "").toUpperCase() !== "STATEMENT";
    } catch {
      return false;
    }
  }

  /** Whether a blind patch must return the row before it (onChange delivers `before`). */
  needsOldRows(): boolean {
    return this.listeners.size > 0;
  }

  private async ready(): Promise<CoreStore> {
    await this.start();
    if (!this.migrated && this.options.autoMigrate !== false) await this.migrate();
    return this.core!;
  }

  /** The core store once started and migrated (what ready() resolves to), without waiting. */
  private get readyCore(): CoreStore | undefined {
    return this.migrated || this.options.autoMigrate === false ? this.core : undefined;
  }

  migrate(): Promise<MigrationReport> {
    this.migrating ??= this.runMigration().finally(() => {
      this.migrating = undefined;
    });
    return this.migrating;
  }

  private async runMigration(): Promise<MigrationReport> {
    await this.start();
    const core = this.core!;
    const [columnsQuery, indexesQuery] = core.catalogQueries();
    const columns = await this.exec.query(columnsQuery!.text, columnsQuery!.params);
    const indexes = await this.exec.query(indexesQuery!.text, indexesQuery!.params);
    const plan = core.planMigration(columns.rows.map(lowerKeys), indexes.rows.map(lowerKeys));
    // SQLite: kinds its catalog cannot tell apart are checked against the recorded ones.
    const kinds = this.engine === "sqlite" ? await checkSqliteColumnKinds(this.exec, this.tables.values()) : { refused: [], writes: [] };
    const refused = [...plan.refused, ...kinds.refused];
    if (refused.length > 0) {
      throw new SchemaMigrationError(
        `migrate() refused ${refused.length} schema difference(s); nothing was changed:\n` + refused.map((line) => `  - ${line}`).join("\n"),
        refused,
      );
    }
    if (this.engine === "sqlite" && typeof this.exec.batch === "function") {
      // One atomic batch: a failure leaves no half-migrated schema (see sqlite-migrate.ts).
      await migrateSqliteAtomically(this.exec, core, this.tables, plan.steps, columns.rows.map(lowerKeys), kinds.writes);
    } else {
      for (const step of plan.steps) {
        if (step.kind === "ddl") await this.exec.query(step.sql, []);
        else await this.backfill(step.table, step.index);
      }
      for (const write of kinds.writes) await this.exec.query(write.text, write.params);
    }
    this.migrated = true;
    return plan.report;
  }

  /** Computes an index's key column for existing rows, a page at a time. */
  private async backfill(table: string, index: string): Promise<void> {
    const info = this.tables.get(table)!;
    let after: { _creationTime: number; _id: string } | null = null;
    for (;;) {
      const page = this.core!.scanPage(table, after, SCAN_PAGE);
      const { rows } = await this.exec.query(page.text, page.params);
      if (rows.length === 0) return;
      const docs = rows.map((row) => decodeRow(info, row).doc);
      const wire = encodeValueText(docs.map(({ _id, _creationTime, ...fields }) => ({ _id, _creationTime, doc: fields })));
      for (const statement of this.core!.backfill(table, index, wire)) {
        await this.exec.query(statement.text, statement.params);
      }
      const last = docs[docs.length - 1]!;
      after = { _creationTime: last._creationTime, _id: last._id };
      if (rows.length < SCAN_PAGE) return;
    }
  }

  query<R>(fn: (db: DatabaseReader<S>) => Promise<R>): Promise<R> {
    // The common case without an async frame of its own: the function's promise, with a
    // handler that only runs when it fails (a point read's answer then reaches the caller
    // one turn sooner).
    const run = () => this.runQuery(fn).catch((error: unknown) => this.retryQuery(fn, error, 0));
    return this.readyCore === undefined ? this.ready().then(run) : run();
  }

  private runQuery<R>(fn: (db: DatabaseReader<S>) => Promise<R>): Promise<R> {
    try {
      return Promise.resolve(fn(new Reader<S>(this, undefined) as unknown as DatabaseReader<S>));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Reads are safe to repeat after a lost connection (the driver reconnects). */
  private async retryQuery<R>(fn: (db: DatabaseReader<S>) => Promise<R>, error: unknown, attempt: number): Promise<R> {
    const maxRetries = this.options.maxRetries ?? 4;
    for (;;) {
      if (!(error instanceof SqlConnectionError) || attempt >= maxRetries) throw error;
      await sleep((this.options.retryBaseDelayMs ?? 10) * 2 ** attempt * (0.5 + Math.random()));
      attempt += 1;
      try {
        return await this.runQuery(fn);
      } catch (next) {
        error = next;
      }
    }
  }

  async mutation<R>(fn: (db: DatabaseWriter<S>) => Promise<R>): Promise<R> {
    const core = this.readyCore ?? (await this.ready());
    const maxRetries = this.options.maxRetries ?? 4;
    const base = this.options.retryBaseDelayMs ?? 10;
    let careful = !this.blindPatching;
    for (let attempt = 0; ; attempt++) {
      const state = new MutationState(() => core.begin(), careful);
      let committing = false;
      this.running += 1;
      try {
        let result: R;
        try {
          result = await fn(new Writer<S>(this, state) as unknown as DatabaseWriter<S>);
        } finally {
          this.running -= 1;
          this.arrived?.();
        }
        if (state.rerunReadingFirst) throw READ_FIRST;
        committing = true;
        const batch = state.blind ? await this.commitBlind(state) : await this.commit(state);
        if (batch === READ_FIRST) throw READ_FIRST;
        if (batch) this.emit(batch);
        return result;
      } catch (error) {
        // A blind patch that could not apply or wrote nothing: nothing was written; the
        // mutation runs again reading first (not counted as a retry), so its outcome and
        // errors are those of an ordinary patch.
        if (error === READ_FIRST || state.rerunReadingFirst) {
          careful = true;
          attempt -= 1;
          continue;
        }
        // A connection lost while the mutation was only reading: nothing was written, so it
        // is re-run (the driver reconnects). One lost during the commit is not retried: the
        // commit may have landed.
        if (!committing && error instanceof SqlConnectionError && attempt < maxRetries) {
          await sleep(base * 2 ** attempt * (0.5 + Math.random()));
          continue;
        }
        if (error instanceof CommitConflict) {
          if (attempt < maxRetries) {
            await sleep(base * 2 ** attempt * (0.5 + Math.random()));
            continue;
          }
          throw new ConflictError(
            `mutation gave up after ${attempt + 1} attempt(s): document "${error.id}" in table "${error.table}" ` +
              `was changed by another writer while the mutation ran (its _version no longer matched)`,
            error.table,
            error.id,
          );
        }
        throw error;
      } finally {
        state.end();
      }
    }
  }

  subscribe<R>(fn: (db: DatabaseReader<S>) => Promise<R>, onUpdate: (value: R) => void, onError?: (e: unknown) => void): () => void {
    // Each run reads through a mutation that never commits, so the core records exactly the
    // index ranges and documents it read; that read set is registered under the
    // subscription and every later commit through this store is matched against it.
    const id = ++this.subscriptionIds;
    let active = true;
    let last: string | undefined;
    let queued = false;
    let running: Promise<void> = Promise.resolve();
    const run = () => {
      if (queued) return; // a re-run is already pending: it will see this commit too
      queued = true;
      running = running.then(async () => {
        queued = false;
        if (!active) return;
        let state: MutationState | undefined;
        try {
          const core = await this.ready();
          state = new MutationState(() => core.begin());
          const value = await fn(new Reader<S>(this, state) as unknown as DatabaseReader<S>);
          if (!active) return;
          // A commit logged after this run read but before its read set is registered matched
          // nothing (the index did not hold these reads yet): checked as a mutation would be,
          // and such a run is delivered and then run again. (Synchronous: nothing can be
          // logged between the check and the registration.)
          const stale = state.writes.validate() !== null;
          state.writes.registerSubscription(id);
          const fingerprint = fingerprintOf(value);
          if (fingerprint !== last) {
            last = fingerprint;
            onUpdate(value);
          }
          if (stale) run();
        } catch (error) {
          if (active) onError?.(error);
        } finally {
          state?.end();
        }
      });
    };
    this.subscriptions.set(id, run);
    run();
    return () => {
      active = false;
      this.subscriptions.delete(id);
      this.core?.removeSubscription(id);
    };
  }

  onChange(listener: (batch: ChangeBatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(batch: ChangeBatch): void {
    if (this.listeners.size === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(batch);
      } catch {
        /* a listener's failure is its own */
      }
    }
  }

  /**
   * Group commit: mutations that finish while a commit is running wait together and then
   * commit as one SQL step (one statement of CTEs on Postgres, one transaction on MySQL).
   * Each is validated in order against the commit log, which already holds the group's
   * earlier members, so the group is serializable in that order. If the group's SQL fails,
   * its members are retried one by one, so each gets its own outcome.
   */
  private commit(state: MutationState): Promise<ChangeBatch | null> {
    // Nothing else committing, waiting or running: this commit is a group of one already.
    if (!this.draining && this.waiting.length === 0 && this.running === 0) return this.commitAlone(state);
    return new Promise((resolve, reject) => {
      this.waiting.push({ state, solo: false, resolve, reject });
      this.arrived?.();
      if (!this.draining) void this.drain();
    });
  }

  /**
   * Before a commit starts while other mutations are still running (reading), waits up to
   * `groupCommitWindowMs` for them to reach their commit too, so they share its round trip
   * instead of queueing one more commit behind it. A lone mutation never waits (undefined).
   */
  private gather(): Promise<void> | undefined {
    const windowMs = this.options.groupCommitWindowMs ?? DEFAULT_GROUP_COMMIT_WINDOW_MS;
    if (windowMs <= 0 || this.running === 0 || this.waiting.length >= MAX_GROUP) return undefined;
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.arrived = undefined;
        resolve();
      };
      const timer = setTimeout(done, windowMs);
      this.arrived = () => {
        if (this.running === 0 || this.waiting.length >= MAX_GROUP) done();
      };
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiting.length > 0) {
        const gathering = this.gather();
        if (gathering) await gathering;
        let take = 1;
        if (!this.waiting[0]!.solo) {
          while (take < this.waiting.length && take < MAX_GROUP && !this.waiting[take]!.solo) take += 1;
        }
        await this.commitGroup(this.waiting.splice(0, take));
      }
    } finally {
      this.draining = false;
    }
  }

  private async commitGroup(group: WaitingCommit[]): Promise<void> {
    const core = this.core!;
    const writing: WaitingCommit[] = [];
    for (const item of group) {
      if (item.state.order.length === 0) item.resolve(null); // read-only: nothing to commit
      else writing.push(item);
    }
    if (writing.length === 1) {
      const item = writing[0]!;
      await this.commitOne(item.state).then(item.resolve, item.reject);
      return;
    }
    const accepted: { item: WaitingCommit; affected: number[]; sequence: number }[] = [];
    for (const item of writing) {
      try {
        const outcome = item.state.writes.accept();
        if (outcome.conflict) {
          item.reject(new CommitConflict(outcome.conflict.table, outcome.conflict.id));
          continue;
        }
        accepted.push({ item, affected: outcome.affected, sequence: outcome.sequence });
      } catch (error) {
        item.reject(error);
      }
    }
    if (accepted.length === 0) return;
    try {
      await this.runGroup(core.batchPlan(accepted.map((a) => a.item.state.writes)), accepted.map((a) => a.item.state));
      const last = accepted[accepted.length - 1]!;
      last.item.state.writes.finish(last.sequence);
    } catch (error) {
      core.retract(accepted[0]!.sequence);
      if (accepted.length === 1) accepted[0]!.item.reject(error);
      else this.waiting.unshift(...accepted.map((a) => ({ ...a.item, solo: true })));
      return;
    }
    for (const { item, affected } of accepted) {
      for (const id of affected) this.subscriptions.get(id)?.();
      item.resolve(this.changeBatch(item.state));
    }
  }

  /** commit() when the store has nothing else to commit: no queue, no drain (fewer promise hops). */
  private async commitAlone(state: MutationState): Promise<ChangeBatch | null> {
    if (state.order.length === 0) return null; // read-only: nothing to commit
    this.draining = true;
    try {
      return await this.commitOne(state);
    } finally {
      this.draining = false;
      if (this.waiting.length > 0) void this.drain();
    }
  }

  /**
   * Commits a mutation whose one operation was a patch or delete kept blind: its one
   * statement, which returns the document's row. While another commit is in flight the write
   * is made an ordinary one (read first) and joins the queue instead: the log entry a blind
   * write appends after its statement (or, a bare patch, pending during it) must not land
   * behind another commit's pending one, which a failed commit retracts together with
   * everything after it; and while it runs, `draining` keeps every other commit queued.
   */
  private async commitBlind(state: MutationState): Promise<ChangeBatch | null | typeof READ_FIRST> {
    // (An onChange listener added since the patch needs `before`, which only an "old" row has.)
    if (this.draining || this.waiting.length > 0 || (state.blind!.returns !== "old" && this.listeners.size > 0)) {
      await state.settle();
      return this.commit(state);
    }
    const blind = state.blind!;
    state.blind = undefined;
    this.draining = true;
    try {
      if (blind.returns === "none") {
        // It moves no index key: logged by its id alone, pending while in flight (pending-by-id.ts).
        // No listener wants it (as a "new" row's).
        const answer = this.exec.query(blind.statement.text, blind.statement.params);
        const pending = new PendingById(this.core!, blind.id, (this.exec as Partial<CellsSource>)[cellsWriteLater] === true);
        let affectedRows: number;
        try {
          ({ affectedRows } = await answer);
        } catch (error) {
          pending.retract();  // as a failed commit's pending entry
          throw error;
        }
        // No such document, or it might grow past 1 MiB.
        if (affectedRows !== 1) {
          pending.retract();
          return READ_FIRST;
        }
        this.logLanded(() => pending.confirm());
        this.commitTs += 1;
        return null;
      }
      const { rows } = await this.exec.query(blind.statement.text, blind.statement.params);
      // No such document, or it might grow past 1 MiB.
      if (rows.length !== 1) return READ_FIRST;
      return this.recordBlind(state, blind, rows[0]!);
    } finally {
      this.draining = false;
      if (this.waiting.length > 0) void this.drain();
    }
  }

  /**
   * A blind patch landed. Its returned row gives the document's index keys before and after
   * for the commit log (other mutations' read sets) and the subscriptions, in one crossing
   * (store_log_patch), and, when it is the old row, `before` and `after` for onChange.
   */
  private recordBlind(state: MutationState, blind: BlindWrite, row: Record<string, unknown>): ChangeBatch | null {
    const info = this.tables.get(blind.table)!;
    if (blind.kind === "delete") return this.recordBlindDelete(state, blind, info, row);
    // "new": the row after the patch, with only the system columns and the indexed fields
    // (which the patch did not name); "old": the whole row before it.
    const returned = decodeRow(info, row).doc;
    const oldKeys = indexedFieldsWire(info, returned);
    let after: Document | undefined;
    let newKeys = "";
    if (blind.returns === "old") {
      after = { ...returned };
      Object.assign(after, blind.set);
      for (const key of blind.unset) delete after[key];
      // Keys move when the patch names an indexed field (the core then set the key columns).
      const moves = info.indexes.some((index) => index.fields.some((field) => field in blind.set || blind.unset.includes(field)));
      if (moves) newKeys = indexedFieldsWire(info, after);
    }
    this.logLanded(() => this.core!.logPatch(blind.id, returned._creationTime, oldKeys, newKeys));
    if (after === undefined) {
      this.commitTs += 1;  // no listener to tell (needsOldRows() was false when it was sent)
      return null;
    }
    state.touched(blind.id, returned);
    state.docs.set(blind.id, { table: blind.table, doc: after, version: String(row._version) });
    return this.changeBatch(state);
  }

  /**
   * Logs a blind write that has landed (`log` answers the subscriptions it affects) and re-runs
   * those; if the log cannot take it, every subscription re-runs.
   */
  private logLanded(log: () => number[]): void {
    let affected: number[];
    try {
      affected = log();
    } catch {
      affected = [...this.subscriptions.keys()];
    }
    for (const id of affected) this.subscriptions.get(id)?.();
  }

  /** A blind delete landed: its returned row is the document as it was. */
  private recordBlindDelete(state: MutationState, blind: BlindWrite, info: TableInfo, row: Record<string, unknown>): ChangeBatch | null {
    const before = decodeRow(info, row);
    this.logLanded(() => this.core!.logDelete(blind.id, before.doc._creationTime, indexedFieldsWire(info, before.doc)));
    state.touched(blind.id, before.doc);
    state.docs.set(blind.id, { table: blind.table, doc: null, version: before.version });
    return this.changeBatch(state);
  }

  /**
   * A group of one: validated and planned in one crossing; logged while its statement is in
   * flight (pending-commit.ts); confirmed and ended in one more.
   */
  private async commitOne(state: MutationState): Promise<ChangeBatch | null> {
    const writes = state.writes;
    const checked = writes.checkPlan();
    if (checked.conflict) throw new CommitConflict(checked.conflict.table, checked.conflict.id);
    // runGroup sends the first statement before it first waits.
    const running = this.runGroup(checked.plan, [state]);
    const pending = new PendingCommit(this.core!, writes, (this.exec as Partial<CellsSource>)[cellsWriteLater] === true);
    try {
      await running;
    } catch (error) {
      pending.retract();
      throw error;
    }
    for (const id of pending.confirm()) this.subscriptions.get(id)?.();
    return this.changeBatch(state);
  }

  private async runGroup(plan: BatchPlan, states: MutationState[]): Promise<void> {
    if (plan.steps.length === 0) return;
    const conflictAt = (tx: number | null, write: number) =>
      tx === null ? new CommitConflict("?", "?") : this.conflict(states[tx]!, write);
    // Postgres: one statement; SQLite: one atomic batch. A failed guard raises the marker,
    // except in a lone guarded write, which returns no row.
    if (this.engine !== "mysql") {
      let lone: CommitConflict | undefined;
      try {
        if (this.engine === "postgres") {
          const step = plan.steps[0]!;
          const { rows, affectedRows } = await this.exec.query(step.text, step.params);
          if (step.expectRows >= 0 && (this.rowCounts ? affectedRows : rows.length) !== step.expectRows) lone = conflictAt(step.tx, step.write);
        } else {
          await runAtomically(this.exec, plan.steps);
        }
      } catch (error) {
        const message = String((error as Error)?.message);
        // A group's guard cannot say which document failed: the members are retried alone.
        if (message.includes("lunora_conflict:group")) throw new CommitConflict("?", "?");
        const marker = /lunora_conflict:(\d+)/.exec(message);
        if (!marker) throw error;
        const [tx, write] = plan.origins[Number(marker[1])] ?? [null, -1];
        throw conflictAt(tx, write);
      }
      if (lone) throw lone;
      return;
    }
    const run = async (exec: SqlExec) => {
      for (const step of plan.steps) {
        const result = await exec.query(step.text, step.params);
        if (step.expectRows >= 0 && result.affectedRows !== step.expectRows) throw conflictAt(step.tx, step.write);
      }
    };
    if (!plan.needsTransaction) await run(this.exec);
    else if (typeof this.exec.transaction === "function") await this.exec.transaction(run);
    else throw new StoreConfigurationError("this SqlExec has no transaction(); a multi-document MySQL commit needs one");
  }

  /** What onChange listeners get of a commit (null when there are none to get it). */
  private changeBatch(state: MutationState): ChangeBatch | null {
    this.commitTs += 1;
    if (this.listeners.size === 0) return null;
    const writes: ChangeWrite[] = [];
    for (const id of state.order) {
      const before = state.before.get(id) ?? null;
      const after = state.docs.get(id)?.doc ?? null;
      if (before === null && after === null) continue;
      const table = state.docs.get(id)!.table;
      writes.push({ table, id, op: before === null ? "insert" : after === null ? "delete" : "update", before, after });
    }
    return { commitTs: this.commitTs, writes };
  }

  private conflict(state: MutationState, write: number): CommitConflict {
    const described = state.writes.describe(write);
    return new CommitConflict(described?.table ?? "?", described?.id ?? "?");
  }

  // ---- used by Reader / Writer ----

  tableInfo(table: string): TableInfo | undefined {
    return this.tables.get(table);
  }

  coreStore(): CoreStore {
    return this.core!;
  }

  now(): number {
    return (this.options.now ?? Date.now)();
  }

  run(statement: Statement) {
    return this.exec.query(statement.text, statement.params);
  }

  /** The row of one document, batched with other point reads under load (point-reads.ts). */
  readRow(table: string, id: string, statement: Statement): Promise<Record<string, unknown> | undefined> {
    return this.pointReads.read(table, id, statement);
  }

  /** Page reads straight from the driver's cells, when the exec is one of this package's adapters. */
  cellsRunner(): CellsRunner | undefined {
    const exec = this.exec;
    if (!hasCells(exec)) return undefined;
    const run: CellsRunner = (statement) => exec[queryCells](statement.text, statement.params);
    if (exec[cellsWriteLater]) run.writesLater = true;
    return run;
  }
}

/** SQLite commits: the exec's atomic batch (D1 batch, Durable Object transactionSync). */
async function runAtomically(exec: SqlExec, steps: readonly Statement[]): Promise<void> {
  if (steps.length === 1) await exec.query(steps[0]!.text, steps[0]!.params);
  else if (typeof exec.batch === "function") await exec.batch(steps);
  else if (typeof exec.transaction === "function") {
    await exec.transaction(async (tx) => {
      for (const step of steps) await tx.query(step.text, step.params);
    });
  } else throw new StoreConfigurationError("this SqlExec has neither batch() nor transaction(); a multi-statement SQLite commit needs one");
}

interface WaitingCommit {
  state: MutationState;
  solo: boolean;
  resolve: (batch: ChangeBatch | null) => void;
  reject: (error: unknown) => void;
}

const docOf = (read: ReadDoc | null): Document | null => read?.doc ?? null;

/** Mutations committed together in one SQL step at most. */
const MAX_GROUP = 32;
const DEFAULT_GROUP_COMMIT_WINDOW_MS = 2;
const DEFAULT_POINT_READS_IN_FLIGHT = 4;

/** A blind patch wrote nothing: the mutation runs again, reading first. */
const READ_FIRST = Symbol("read first");

/** A commit lost a `_version` race; the mutation is retried. */
class CommitConflict extends Error {
  constructor(readonly table: string, readonly id: string) {
    super(`conflict on ${table} ${id}`);
  }
}

class Reader<S extends GenericSchema> {
  constructor(protected readonly store: GlobalStore<S>, protected readonly state: MutationState | undefined) {}

  get(tableOrId: string, maybeId?: string): Promise<Document | null> {
    const [table, id] = maybeId === undefined ? ["", tableOrId] : [tableOrId, maybeId];
    if (this.state !== undefined) return this.read(table, id).then(docOf);
    // A query's read (no read set, no overlay): the row's promise, decoded, without the
    // async frames of read().
    try {
      if (typeof id !== "string") return Promise.resolve(null);
      const found = this.store.coreStore().get(table, id);
      if (found.table === null || !found.statement) return Promise.resolve(null);
      const info = this.store.tableInfo(found.table)!;
      return this.store.readRow(found.table, id, found.statement).then((row) => (row ? decodeRow(info, row).doc : null));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The document and its version, through this mutation's own writes. */
  protected async read(table: string, id: unknown): Promise<ReadDoc | null> {
    const settling = this.state?.settle();
    if (settling) await settling;
    if (typeof id !== "string") return null;
    const own = this.state?.docs.get(id);
    if (own) return table === "" || own.table === table ? own : null;
    const found = this.state ? this.state.writes.get(table, id) : this.store.coreStore().get(table, id);
    if (found.table === null || !found.statement) return null;
    const info = this.store.tableInfo(found.table)!;
    const row = await this.store.readRow(found.table, id, found.statement);
    const read: ReadDoc = row ? { table: found.table, ...decodeRow(info, row) } : { table: found.table, doc: null, version: "0" };
    if (this.state && row) this.state.docs.set(id, read);
    return read.doc ? read : null;
  }

  normalizeId(table: string, id: string): string | null {
    return this.store.coreStore().normalizeId(table, String(id));
  }

  query(table: string): QueryBuilder<Document> {
    const info = this.store.tableInfo(table);
    if (info === undefined) {
      throw new DocumentNotFoundError(`table "${String(table).slice(0, 64)}" is not a .global() table of the schema`);
    }
    const state = this.state;
    return new QueryBuilder<Document>({
      core: this.store.coreStore(),
      table: info,
      run: (statement) => this.store.run(statement),
      runCells: this.store.cellsRunner(),
      tx: state ? state.writes.handle : 0,
      settle: state ? () => state.settleForQuery(info.table) : undefined,
      pending: (id) => state?.docs.get(id)?.doc ?? null,
      remember: (doc, version) => {
        if (state && !state.docs.has(doc._id)) state.docs.set(doc._id, { table: info.table, doc, version });
      },
    });
  }
}

class Writer<S extends GenericSchema> extends Reader<S> {
  private get mutation(): MutationState {
    return this.state!;
  }

  insert(table: string, doc: Record<string, unknown>): Promise<string> {
    try {
      if (this.store.tableInfo(table) === undefined) {
        throw new DocumentNotFoundError(`insert: table "${String(table).slice(0, 64)}" is not a .global() table of the schema`);
      }
      rejectSystemFields("insert", doc);
      const settling = this.mutation.settle();
      if (settling) return settling.then(() => this.insertNow(table, doc));
      return Promise.resolve(this.insertNow(table, doc));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private insertNow(table: string, doc: Record<string, unknown>): string {
    // Each field is read once: the text the core validates and the document kept here (what
    // the mutation reads back and onChange reports) come from the same reads. (A document
    // that is not a plain object was refused by rejectSystemFields.)
    const fields = stripUndefined(doc);
    const created = this.mutation.writes.insert(table, encodeValueText(fields), this.store.now());
    const stored = withSystemFields(fields, created._id, created._creationTime);
    this.mutation.touched(created._id, null);
    this.mutation.docs.set(created._id, { table, doc: stored, version: "0" });
    return created._id;
  }

  patch(id: string, partial: Record<string, unknown>): Promise<void> {
    // Not async: an async function returning patchReadingFirst's promise adopts it, two
    // more turns before the caller resumes. (A throwing getter or proxy still rejects.)
    try {
      refuseNonPlain("patch", partial);
      const state = this.mutation;
      if (state.fresh && !state.careful && this.keepBlind(id, partial)) return Promise.resolve();
      return this.patchReadingFirst(id, partial);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Keeps a patch that is the mutation's first operation unsent, when the core can make it one
   * statement that needs no read (store_blind_patch checks each named field against the
   * schema; the statement bounds the merged document's size). See BlindWrite.
   */
  private keepBlind(id: string, partial: Record<string, unknown>): boolean {
    if (typeof id !== "string" || partial === null || typeof partial !== "object" || Array.isArray(partial)) return false;
    const set: Record<string, unknown> = {};
    const unset: string[] = [];
    for (const key in partial) {
      if (!Object.prototype.hasOwnProperty.call(partial, key)) continue;
      const value = partial[key];
      if (value === undefined) unset.push(key);
      else setField(set, key, value);
    }
    return this.keepUnsent(
      () => this.store.coreStore().blindPatch(id, encodeValueText(set), unset, this.store.needsOldRows()),
      (made: BlindPatchStatement) => ({
        kind: "patch",
        id,
        table: made.table,
        returns: made.returns,
        statement: made.statement,
        set,
        unset,
        // The patch as given, from the copies above (the caller may reuse its object).
        apply: () => this.patchReadingFirst(id, patchOf(set, unset)),
      }),
    );
  }

  /** Keeps `blind(make())` as the mutation's blind write; false when the core cannot make one. */
  private keepUnsent<M>(make: () => M | null, blind: (made: M) => BlindWrite): boolean {
    let made: M | null;
    try {
      made = make();
    } catch {
      return false;  // the ordinary write reports what is wrong
    }
    if (made === null) return false;
    const state = this.mutation;
    state.fresh = false;
    state.blind = blind(made);
    return true;
  }

  private async patchReadingFirst(id: string, partial: Record<string, unknown>): Promise<void> {
    const found = this.existingNow("patch", id);
    const current = found instanceof Promise ? await found : found;
    if (partial === null || typeof partial !== "object" || Array.isArray(partial)) {
      throw new ValidationError(`patch: the update for "${id}" must be an object`);
    }
    const merged: Record<string, unknown> = { ...current.doc };
    const changed: string[] = [];
    const set: Record<string, unknown> = {};
    const unset: string[] = [];
    for (const [key, value] of Object.entries(partial)) {
      if (key === "_id" || key === "_creationTime") {
        if (value !== undefined && value !== merged[key]) throw new ValidationError(`patch: the system field ${key} cannot be changed`);
        continue;
      }
      changed.push(key);
      if (value === undefined) {
        delete merged[key];
        unset.push(key);
      } else {
        setField(merged, key, value);
        setField(set, key, value);
      }
    }
    const state = this.mutation;
    const oldWire = this.oldKeysWire(current);
    // The document's first write in this mutation: the core records the named fields alone
    // when each passes its checks and the rest's size bound leaves room (CoreWriteSet.patch).
    if (this.store.partialPatches && !state.before.has(id)) {
      const bound = otherFieldsWireBound(current.doc!, partial);
      const doc = current.doc!;
      if (bound <= MAX_DOCUMENT_BYTES && state.writes.patch(id, current.version, doc._creationTime, oldWire, encodeValueText(set), unset, bound)) {
        state.touched(id, doc);
        state.docs.set(id, { table: current.table, doc: merged as Document, version: current.version });
        (state.partial ??= new Map()).set(id, { table: current.table, version: current.version, creationTime: doc._creationTime, oldWire, changed });
        return;
      }
    }
    this.write(id, current, merged, changed, oldWire);
  }

  async replace(id: string, doc: Record<string, unknown>): Promise<void> {
    const current = await this.existing("replace", id);
    rejectSystemFields("replace", doc, current.doc!);
    this.write(id, current, withSystemFields(stripUndefined(doc), current.doc!._id, current.doc!._creationTime));
  }

  delete(id: string): Promise<void> {
    try {
      const state = this.mutation;
      if (state.fresh && !state.careful && this.keepBlindDelete(id)) return Promise.resolve();
      return this.deleteReadingFirst(id);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Keeps a delete that is the mutation's first operation unsent (store_blind_delete; see BlindWrite). */
  private keepBlindDelete(id: string): boolean {
    if (typeof id !== "string") return false;
    return this.keepUnsent(
      () => this.store.coreStore().blindDelete(id),
      (made) => ({ kind: "delete", id, table: made.table, returns: "old", statement: made.statement, set: {}, unset: [], apply: () => this.deleteReadingFirst(id) }),
    );
  }

  private async deleteReadingFirst(id: string): Promise<void> {
    const current = await this.existing("delete", id);
    this.mutation.writes.remove(id, current.version, current.doc!._creationTime, this.oldKeysWire(current));
    this.mutation.partial?.delete(id);  // a delete needs no document
    this.mutation.touched(id, current.doc);
    this.mutation.docs.set(id, { table: current.table, doc: null, version: current.version });
  }

  /** `changed`: the fields a patch names (the commit's UPDATE sets only those); omitted: all. */
  private write(id: string, current: ReadDoc, next: Record<string, unknown>, changed?: readonly string[], oldWire = this.oldKeysWire(current)): void {
    const { _id, _creationTime, ...fields } = next;
    this.mutation.writes.update(id, current.version, current.doc!._creationTime, oldWire, encodeValueText(fields), changed);
    this.mutation.partial?.delete(id);  // the core now holds the whole document
    this.mutation.touched(id, current.doc);
    this.mutation.docs.set(id, { table: current.table, doc: next as Document, version: current.version });
  }

  /** The core reads only the indexed fields of the version read (its old index keys). */
  private oldKeysWire(current: ReadDoc): string {
    return indexedFieldsWire(this.store.tableInfo(current.table)!, current.doc!);
  }

  /**
   * existing(), without waiting a turn when the document is already in this mutation's
   * overlay (read or written earlier in it) and nothing is settling.
   */
  private existingNow(op: string, id: string): ReadDoc | Promise<ReadDoc> {
    const state = this.mutation;
    if (typeof id === "string" && state.settle() === undefined) {
      const own = state.docs.get(id);
      if (own?.doc != null) return own;
    }
    return this.existing(op, id);
  }

  private async existing(op: string, id: string): Promise<ReadDoc> {
    const current = await this.read("", id);
    if (current?.doc == null) {
      const shown = typeof id === "string" ? `"${id.slice(0, 64)}"` : String(id);
      throw new DocumentNotFoundError(`${op}: document ${shown} does not exist (or is not an id of this store)`);
    }
    // Keep the first-read snapshot for the change feed.
    if (!this.mutation.before.has(id)) this.mutation.docs.set(id, current);
    return current;
  }
}

/** limits::kMaxDocumentBytes: the largest document's Lunora JSON. */
const MAX_DOCUMENT_BYTES = 1 << 20;

/**
 * An upper bound of the Lunora JSON bytes (encodeValueText) of the fields of `doc` that
 * `patch` does not name, each as a member (`"name":value,`); Infinity for a value it cannot
 * bound, and it stops counting past the document limit. Every UTF-16 unit of a string or key
 * counts as a 6-byte escape, every number as its longest tagged form.
 */
function otherFieldsWireBound(doc: Document, patch: Record<string, unknown>): number {
  let bound = 0;
  for (const key in doc) {
    if (key === "_id" || key === "_creationTime" || Object.prototype.hasOwnProperty.call(patch, key)) continue;
    bound += 6 * key.length + 4 + valueWireBound(doc[key], MAX_DOCUMENT_BYTES - bound);
    if (bound > MAX_DOCUMENT_BYTES) return bound;
  }
  return bound;
}

function valueWireBound(value: unknown, budget: number): number {
  switch (typeof value) {
    case "string": return 6 * value.length + 2;
    case "number": case "bigint": return 27;
    case "boolean": return 5;
    case "object": break;
    default: return Infinity;
  }
  if (value === null) return 4;
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return 2 * value.byteLength + 17;
  let bound = 2;
  if (Array.isArray(value)) {
    for (const item of value) {
      bound += 1 + valueWireBound(item, budget - bound);
      if (bound > budget) return bound;
    }
    return bound;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return Infinity;
  for (const key in value) {
    bound += 6 * key.length + 4 + valueWireBound((value as Record<string, unknown>)[key], budget - bound);
    if (bound > budget) return bound;
  }
  return bound;
}

// The fields of `doc` that the table's indexes read, as Lunora JSON.
function indexedFieldsWire(info: TableInfo, doc: Document): string {
  const fields: Record<string, unknown> = {};
  for (const index of info.indexes) {
    for (const field of index.fields) if (doc[field] !== undefined) fields[field] = doc[field];
  }
  return encodeValueText(fields);
}

function rejectSystemFields(op: string, doc: Record<string, unknown>, current?: Document): void {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new ValidationError(`${op}: the document must be an object`);
  }
  refuseNonPlain(op, doc);
  for (const key of ["_id", "_creationTime"] as const) {
    if (doc[key] !== undefined && (current === undefined || doc[key] !== current[key])) {
      throw new ValidationError(`${op}: the system field ${key} is set by the store and cannot be written`);
    }
  }
}

/**
 * A document or patch that is an object but not a plain one is refused, whether inserted,
 * replaced or patched (the shim's own copies of it are plain, and would hide it from the
 * core): a Date, Map or class instance as a field value of that kind is (InvalidValueError),
 * bytes as not an object (ValidationError).
 */
function refuseNonPlain(op: string, value: unknown): void {
  if (value === null || typeof value !== "object" || Array.isArray(value) || isPlainObject(value)) return;
  encodeValueText(value);
  throw new ValidationError(`${op}: the document must be an object, not bytes`);
}

/** `fields` (a fresh object without them) completed with the system fields, last. */
function withSystemFields(fields: Record<string, unknown>, id: string, creationTime: number): Document {
  fields._id = id;
  fields._creationTime = creationTime;
  return fields as Document;
}

function stripUndefined(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    // (setField: an own "__proto__" stays a field, which the core refuses as any beginning with "_")
    if (value !== undefined && key !== "_id" && key !== "_creationTime") setField(out, key, value);
  }
  return out;
}

/** The patch that sets `set` and removes `unset`, every field an own one ("__proto__" included). */
function patchOf(set: Record<string, unknown>, unset: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of unset) setField(out, key, undefined);
  for (const key of Object.keys(set)) setField(out, key, set[key]);
  return out;
}

function lowerKeys(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key.toLowerCase()] = value;
  return out;
}

function fingerprintOf(value: unknown): string {
  try {
    return encodeValueText(value);
  } catch {
    return String(Math.random()); // not a Lunora value: always deliver
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
