// Typed access to the core's store API (wasm/include/lunora/api/store_api.hpp).
import { getCore, unwrap } from "../core/core.js";
import { readCompactAnswer } from "./compact-answer.js";
import type { TableInfo } from "./rows.js";

export interface Statement {
  text: string;
  params: unknown[];
}

export interface BlindPatchStatement {
  table: string;
  returns: BlindPatchReturns;
  statement: Statement;
}

/**
 * What a blind patch's statement returns: the row before it, the row after it (system and
 * indexed columns only), or nothing ("none": it wrote when it affected one row, and is logged
 * by id, logPatchPending).
 */
export type BlindPatchReturns = "old" | "new" | "none";

export interface CommitStep extends Statement {
  expectRows: number;
  write: number;
}

export interface MigrationPlan {
  steps: ({ kind: "ddl"; sql: string } | { kind: "backfill"; table: string; index: string })[];
  refused: string[];
  report: MigrationReport;
}

export interface MigrationReport {
  createdTables: string[];
  addedColumns: string[];
  createdIndexes: string[];
  relaxedColumns: string[];
  keptColumns: string[];
  unmaintainedIndexColumns: string[];
}

export interface QueryBegin {
  run: number;
  needsDocuments: boolean;
  countsOnly: boolean;
  remaining: number;
  finished: boolean;
  cursor: string;
  statement?: Statement;
}

export interface QueryStep {
  emit: ({ row: number } | { pending: string })[];
  more: boolean;
  done: boolean;
  cursor: string;
  statement?: Statement;
}

export interface ReferenceAnswer {
  ids: string[];
  done: boolean;
  cursor: string;
}

export interface BatchPlan {
  steps: (CommitStep & { tx: number | null })[];
  needsTransaction: boolean;
  origins: [number, number][];
}

export interface QueryCountStep {
  emitCount: number;
  more: boolean;
  done: boolean;
  cursor: string;
  remaining: number;
  statement?: Statement;
}

/** A statement as the core sends it: the text, or the number of a text it sent before. */
interface WireStatement {
  text?: string;
  textId?: number;
  params: unknown[];
}

/** One opened store of the core; `close()` frees it. */
export class CoreStore {
  private readonly core = getCore();
  readonly handle: number;
  // Statement texts the core sent once and now refers to by number (statement_texts.hpp).
  private readonly texts: string[] = [];
  // Point-read text number -> its table.
  private readonly pointReadTables: string[] = [];
  // A query's point reads by the table tag of their id (idTableTag) -> point-read text number:
  // the core's answer for every id with that tag. Only answers naming a table are kept, so
  // there are at most 8 per table and argument form, whatever ids callers send.
  private readonly pointReadsByTag = new Map<string, number>();
  private closed = false;

  constructor(schemaJson: string, dialect: string, options: { textCollation?: string; mariadbReturning?: boolean; rowCounts?: boolean }) {
    const seed = new Uint8Array(32);
    crypto.getRandomValues(seed);
    const seedHex = Array.from(seed, (b) => b.toString(16).padStart(2, "0")).join("");
    this.handle = unwrap<number>(this.core.storeOpen(schemaJson, dialect, JSON.stringify({ ...options, seed: seedHex })));
  }

  close(): void {
    this.closed = true;
    this.pointReadsByTag.clear();
    this.core.storeClose(this.handle);
  }

  layout(): TableInfo[] {
    return unwrap<{ tables: TableInfo[] }>(this.core.storeLayout(this.handle)).tables;
  }

  catalogQueries(): Statement[] {
    return unwrap(this.core.storeCatalogQueries(this.handle));
  }

  planMigration(columnRows: unknown[], indexRows: unknown[]): MigrationPlan {
    return unwrap(this.core.storePlanMigration(this.handle, JSON.stringify(columnRows), JSON.stringify(indexRows)));
  }

  backfill(table: string, index: string, rowsWire: string): Statement[] {
    return unwrap(this.core.storeBackfill(this.handle, table, index, rowsWire));
  }

  scanPage(table: string, after: { _creationTime: number; _id: string } | null, limit: number): Statement {
    return unwrap(this.core.storeScanPage(this.handle, table, JSON.stringify(after), limit));
  }

  /**
   * A query's point read of `id` (a mutation's goes through CoreWriteSet.get, which records it).
   * The core's answer depends on `table` and the id's table tag alone, so an answer naming a
   * table is kept under them and later ids with the same tag need no crossing (~3 us after an
   * idle wait, as between round trips).
   */
  get(table: string, id: string): PointRead {
    const tag = this.closed ? undefined : idTableTag(table, id);
    if (tag !== undefined) {
      const known = this.pointReadsByTag.get(tag);
      if (known !== undefined) return { table: this.pointReadTables[known]!, statement: { text: this.texts[known]!, params: [id] } };
    }
    const text = this.core.storeGetText(this.handle, table, id);
    if (tag !== undefined && text >= 0 && this.pointReadTables[text] !== undefined) this.pointReadsByTag.set(tag, text);
    return this.pointReadByText(text, id) ?? this.pointRead(this.core.storeGet(this.handle, table, id));
  }

  /** One statement reading the documents `ids` (1..64 ids of `table`); records no reads. */
  getMany(table: string, ids: readonly string[]): Statement {
    return this.statement(unwrap<{ statement: WireStatement }>(this.core.storeGetMany(this.handle, table, JSON.stringify(ids))).statement);
  }

  /**
   * The patch of `id` as one statement that reads nothing first, or null when it cannot be
   * made so (store_blind_patch). The statement returns the document's row as it was before
   * the patch ("old": a point read's columns) or, when `needOldRow` is false and no index key
   * moves, the row after it with only the system columns and the indexed fields ("new"); no
   * row when it wrote nothing. "none" (as "new", when nothing reads the table off by_id and the
   * exec reports row counts): a bare UPDATE, which wrote when it affected one row.
   */
  blindPatch(id: string, setWire: string, unset: readonly string[], needOldRow: boolean): BlindPatchStatement | null {
    // "null", an error envelope ("{"), or [text, params, returns, table] (store_blind_patch_compact).
    const answer = this.core.storeBlindPatch(this.handle, id, setWire, unset.length === 0 ? "[]" : JSON.stringify(unset), needOldRow);
    if (answer === "null") return null;
    if (answer.charCodeAt(0) === 123) return unwrap(answer);
    const made = readCompactAnswer(answer) as [number | Omit<WireStatement, "params">, unknown[], BlindPatchReturns, string];
    const text = made[0];
    return {
      table: made[3],
      returns: made[2],
      statement: { text: typeof text === "number" ? this.texts[text]! : this.statement(text as WireStatement).text, params: made[1] },
    };
  }

  /**
   * The delete of `id` as one statement that reads nothing first and returns the row as it
   * was (a point read's columns; no row: no such document), or null (store_blind_delete).
   */
  blindDelete(id: string): { table: string; statement: Statement } | null {
    const made = unwrap<{ table: string; statement: WireStatement } | null>(this.core.storeBlindDelete(this.handle, id));
    if (made !== null) this.statement(made.statement);
    return made as { table: string; statement: Statement } | null;
  }

  /** Logs a delete of `id` that already committed (a blind delete); returns the subscriptions it affects. */
  logDelete(id: string, creationTime: number, oldIndexedWire: string): number[] {
    return compactIds(this.core.storeLogDelete(this.handle, id, creationTime, oldIndexedWire));
  }

  /**
   * Logs an update of `id` that already committed (a blind patch), from the indexed fields of
   * the document before and after ("" after: unchanged); returns the subscriptions it affects.
   */
  logPatch(id: string, creationTime: number, oldIndexedWire: string, newIndexedWire: string): number[] {
    return compactIds(this.core.storeLogPatch(this.handle, id, creationTime, oldIndexedWire, newIndexedWire));
  }

  /**
   * Logs by its id alone, pending, an update of `id` that moves no index key (a blind patch
   * returning nothing, its statement in flight); returns the subscriptions it affects and the
   * entry's sequence, for settlePending.
   */
  logPatchPending(id: string): { affected: number[]; sequence: number } {
    // [affected, sequence], or an error envelope ("{").
    const answer = this.core.storeLogPatchPending(this.handle, id);
    if (answer.charCodeAt(0) === 123) return unwrap(answer);
    const logged = readCompactAnswer(answer) as [number[], number];
    return { affected: logged[0], sequence: logged[1] };
  }

  /** Confirms (the statement wrote) or retracts the store's one pending entry, logPatchPending's. */
  settlePending(sequence: number, landed: boolean): void {
    unwrap(this.core.storeSettlePending(this.handle, sequence, landed));
  }

  /** Fills in (or keeps) the text of a statement the core sent with a text number. */
  statement<S extends WireStatement>(s: S): S & Statement {
    if (s.text === undefined) s.text = this.texts[s.textId!];
    else if (s.textId !== undefined) this.texts[s.textId] = s.text;
    return s as S & Statement;
  }

  /** The answer of storeGet / txGet. */
  pointRead(envelope: string): PointRead {
    const found = unwrap<{ table: string | null; statement?: WireStatement }>(envelope);
    if (found.statement) {
      this.statement(found.statement);
      if (found.statement.textId !== undefined && found.table !== null) this.pointReadTables[found.statement.textId] = found.table;
    }
    return found as PointRead;
  }

  /**
   * The answer of storeGetText / txGetText: a point read without an envelope (undefined: ask
   * for the envelope). A point-read text belongs to one table, learned from its first envelope.
   */
  pointReadByText(text: number, id: string): PointRead | undefined {
    if (text === -1) return NO_DOCUMENT;
    const table = text >= 0 ? this.pointReadTables[text] : undefined;
    if (table === undefined) return undefined;
    return { table, statement: { text: this.texts[text]!, params: [id] } };
  }

  normalizeId(table: string, id: string): string | null {
    return unwrap(this.core.storeNormalizeId(this.handle, table, id));
  }

  queryBegin(tx: number, queryJson: string, cursor: string, limit: number): QueryBegin {
    return unwrap(this.core.queryBegin(this.handle, tx, queryJson, cursor, limit));
  }

  queryFeed(run: number, rowsJson: string): QueryStep {
    return unwrap(this.core.queryFeed(run, rowsJson));
  }

  queryFeedCount(run: number, count: number, lastRowJson: string): QueryCountStep {
    return unwrap(this.core.queryFeedCount(run, count, lastRowJson));
  }

  queryEnd(run: number): void {
    this.core.queryEnd(run);
  }

  /**
   * Internal, for the project's differential test: the core's brute-force answer to a query
   * over `docsWire` (Lunora JSON of the table's full documents). Not used by the store.
   */
  referenceQuery(docsWire: string, queryJson: string, cursor: string, limit: number): ReferenceAnswer {
    return unwrap(this.core.referenceQuery(this.handle, docsWire, queryJson, cursor, limit));
  }

  /** The commit log entries up to `sequence` committed / from `sequence` on failed. */
  confirm(sequence: number): void {
    unwrap(this.core.storeConfirm(this.handle, sequence));
  }

  retract(sequence: number): void {
    unwrap(this.core.storeRetract(this.handle, sequence));
  }

  /** One plan for the writes of several validated mutations (group commit). */
  batchPlan(writeSets: CoreWriteSet[]): BatchPlan {
    // Positional arrays; an error comes as its envelope ("{"), which unwrap throws.
    const answer = this.core.txBatchPlanCompact(JSON.stringify(writeSets.map((w) => w.handle)));
    if (answer.charCodeAt(0) === 123) return unwrap<BatchPlan>(answer);
    return this.compactPlan(readCompactAnswer(answer) as CompactPlan);
  }

  /** Fills in the texts of a plan's steps. */
  plan(plan: BatchPlan): BatchPlan {
    for (const step of plan.steps) this.statement(step);
    return plan;
  }

  /** A plan in the positional form of txAcceptPlanCompact, with its texts filled in. */
  compactPlan(plan: CompactPlan): BatchPlan {
    const wire = plan[0];
    const steps: BatchPlan["steps"] = new Array(wire.length);
    for (let i = 0; i < wire.length; i++) {
      const step = wire[i]!;
      const text = step[0];
      steps[i] = {
        text: typeof text === "number" ? this.texts[text]! : this.statement(text as WireStatement).text,
        params: step[1],
        expectRows: step[2],
        tx: step[3],
        write: step[4],
      };
    }
    return { steps, needsTransaction: plan[1], origins: plan[2] };
  }

  removeSubscription(id: number): void {
    unwrap(this.core.subRemove(this.handle, id));
  }

  begin(): CoreWriteSet {
    // A number, with no envelope to decode; 0: the store is closed, and txBegin says so.
    const tx = this.core.txBeginHandle(this.handle);
    return new CoreWriteSet(tx > 0 ? tx : unwrap<number>(this.core.txBegin(this.handle)), this);
  }
}

/** A bare JSON array of subscription ids, or an error envelope (which starts with '{'). */
function compactIds(answer: string): number[] {
  return answer.charCodeAt(0) === 123 ? unwrap(answer) : (readCompactAnswer(answer) as number[]);
}

/** A well-formed id: 32 characters of lowercase Crockford base32 (store/document_id.hpp). */
const ID_FORM = /^[0-9a-hjkmnp-tv-z]{32}$/;

/**
 * The part of a point read's arguments the core's answer depends on: `table` and the id's last
 * 7 characters, which carry its table's 32-bit hash (with 3 random bits in the first of them;
 * store/document_id.hpp, pinned by the Catch2 test "an id's table is in its last 7
 * characters"). Undefined for an id that is not well-formed: the core answers those itself.
 */
function idTableTag(table: string, id: string): string | undefined {
  if (!ID_FORM.test(id)) return undefined;
  return table === "" ? id.slice(25) : `${id.slice(25)} ${table}`;
}

/** Where a point read goes: its table and statement, or no table (no such document). */
export type PointRead = { table: string | null; statement?: Statement };
const NO_DOCUMENT: PointRead = Object.freeze({ table: null });

/**
 * A plan as txAcceptPlanCompact answers it: [steps, needsTransaction, origins], each step
 * [text, params, expectRows, tx, write] whose text is the number of a text the store holds,
 * or as a statement carries it ({text}, {text, textId} or {textId}) in a shape's first plan.
 */
type CompactPlan = [[number | Omit<WireStatement, "params">, unknown[], number, number | null, number][], boolean, [number, number][]];

export class CoreWriteSet {
  private readonly core = getCore();
  private ended = false;

  constructor(readonly handle: number, private readonly store: CoreStore) {}

  insert(table: string, documentWire: string, nowMs: number): { _id: string; _creationTime: number } {
    // "<_id> <_creationTime>", or the error envelope (no id starts with "{").
    const answer = this.core.txInsertCompact(this.handle, table, documentWire, nowMs);
    if (answer.charCodeAt(0) === 123) return unwrap(answer);
    const space = answer.indexOf(" ");
    return { _id: answer.slice(0, space), _creationTime: Number(answer.slice(space + 1)) };
  }

  get(table: string, id: string): PointRead {
    return this.store.pointReadByText(this.core.txGetText(this.handle, table, id), id) ?? this.store.pointRead(this.core.txGet(this.handle, table, id));
  }

  /** `setFields`: the fields a patch changes (its UPDATE sets only those columns); omitted: all (replace). */
  update(id: string, expectedVersion: string, creationTime: number, oldWire: string, documentWire: string, setFields?: readonly string[]): void {
    const fields = setFields === undefined ? "" : JSON.stringify(setFields);
    unwrap(this.core.txUpdate(this.handle, id, expectedVersion, creationTime, oldWire, documentWire, fields));
  }

  /**
   * A patch of a document read in this mutation and not written in it yet, by the fields it
   * sets and removes only (the core checks each alone; `otherFieldsBound` bounds the rest's
   * Lunora JSON). False, nothing recorded: send the whole merged document with update().
   */
  patch(id: string, expectedVersion: string, creationTime: number, oldWire: string, setWire: string, unset: readonly string[], otherFieldsBound: number): boolean {
    const answer = this.core.txPatch(this.handle, id, expectedVersion, creationTime, oldWire, setWire, unset.length === 0 ? "" : JSON.stringify(unset), otherFieldsBound);
    if (answer.length === 1) return answer === "1";
    return unwrap(answer);
  }

  remove(id: string, expectedVersion: string, creationTime: number, oldWire: string): void {
    unwrap(this.core.txRemove(this.handle, id, expectedVersion, creationTime, oldWire));
  }

  /** The first write committed since this mutation began that touched its reads, if any. */
  validate(): { table: string; id: string } | null {
    return unwrap(this.core.txValidate(this.handle));
  }

  /** Logs the writes (pending until confirmed); returns the subscriptions they affect. */
  recordCommit(): { affected: number[]; sequence: number } {
    // `sequence[,affected...]`; an error comes as its envelope ("{").
    const answer = this.core.txRecordCommitCompact(this.handle);
    if (answer.charCodeAt(0) === 123) return unwrap(answer);
    const comma = answer.indexOf(",");
    if (comma < 0) return { affected: [], sequence: Number(answer) };
    const numbers = answer.split(",").map(Number);
    return { affected: numbers.slice(1), sequence: numbers[0]! };
  }

  /** validate(), then recordCommit() when there is no conflict: one crossing. */
  accept(): { conflict: { table: string; id: string } } | { conflict: null; affected: number[]; sequence: number } {
    // [affected, sequence] when accepted; a conflict or an error comes as an envelope ("{").
    const answer = this.core.txAcceptCompact(this.handle);
    if (answer.charCodeAt(0) === 123) return unwrap(answer);
    const accepted = readCompactAnswer(answer) as [number[], number];
    return { conflict: null, affected: accepted[0], sequence: accepted[1] };
  }

  /**
   * The commit of a lone mutation, validated and planned but not logged yet (the shim logs it
   * with recordCommit() while its statement is in flight: pending-commit.ts).
   */
  checkPlan(): { conflict: { table: string; id: string } } | { conflict: null; plan: BatchPlan } {
    // The plan's positional arrays; a conflict or an error comes as an envelope ("{").
    const answer = this.core.txCheckPlanCompact(this.handle);
    if (answer.charCodeAt(0) === 123) return unwrap(answer);
    return { conflict: null, plan: this.store.compactPlan(readCompactAnswer(answer) as CompactPlan) };
  }

  /** After the commit's SQL succeeded: confirms it in the commit log and ends the mutation. */
  finish(sequence: number): void {
    unwrap(this.core.txFinish(this.handle, sequence));
    this.ended = true;
  }

  /** Registers this (never committed) run's read set as subscription `id`'s. */
  registerSubscription(id: number): void {
    unwrap(this.core.subSet(this.handle, id));
  }

  commitPlan(): { steps: CommitStep[]; needsTransaction: boolean } {
    const plan = unwrap<{ steps: CommitStep[]; needsTransaction: boolean }>(this.core.txCommitPlan(this.handle));
    for (const step of plan.steps) this.store.statement(step);
    return plan;
  }

  describe(write: number): { table: string; id: string; op: string } | null {
    return unwrap(this.core.txDescribe(this.handle, write));
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.core.txEnd(this.handle);
  }
}
