// db.query(table): the Convex query builder. The core compiles each query into SQL over an
// index key range, merges the mutation's own writes, applies the filter and keeps the read
// set; this file feeds it the rows.
import { ValidationError } from "../errors.js";
import { encodeValue } from "../values/wire.js";
import type { CoreStore, Statement } from "./core-store.js";
import { buildFilter, type FilterBuilder, type FilterExpression } from "./filter-builder.js";
import { decodeRow, type Document, type TableInfo } from "./rows.js";
import type { SqlExecResult } from "./exec.js";
import type { SqlCells } from "../adapters/cells.js";
import { cellsDocument, cellsPosition, planCells } from "./cells-decode.js";
import { rememberStatement, sendEarly } from "./early-statements.js";

/** What a query needs from the store and (inside a mutation) the mutation. */
export interface QueryHost {
  core: CoreStore;
  table: TableInfo;
  run(statement: Statement): Promise<SqlExecResult>;
  /** The driver's raw cells for a statement, when the exec is one of this package's adapters. */
  runCells?: CellsRunner;
  tx: number;  // 0 outside a mutation
  /** Inside a mutation: what must finish before a query looks at its writes (MutationState.settle). */
  settle?: () => Promise<void> | undefined;
  /** The mutation's view of a document it wrote (for pending results). */
  pending(id: string): Document | null;
  /** Remembers a document read inside a mutation (its version guards later writes). */
  remember(doc: Document, version: string): void;
}

/** Runs a statement for its cells; `writesLater`: the driver sends it on a later event-loop turn. */
export type CellsRunner = ((statement: Statement) => Promise<SqlCells>) & { writesLater?: boolean };

export interface IndexRangeBuilder {
  eq(field: string, value: unknown): IndexRangeBuilder;
  gt(field: string, value: unknown): IndexRangeBuilder;
  gte(field: string, value: unknown): IndexRangeBuilder;
  lt(field: string, value: unknown): IndexRangeBuilder;
  lte(field: string, value: unknown): IndexRangeBuilder;
}

export interface PaginationOptions {
  numItems: number;
  cursor: string | null;
}

export interface PaginationResult<D> {
  page: D[];
  isDone: boolean;
  continueCursor: string;
}

interface QueryState {
  index: string | null;
  range: { op: string; field: string; value: unknown }[];
  order: "asc" | "desc";
  filters: unknown[];
}

class RangeBuilder implements IndexRangeBuilder {
  constructor(readonly steps: { op: string; field: string; value: unknown }[] = []) {}
  private add(op: string, field: string, value: unknown): IndexRangeBuilder {
    if (typeof field !== "string") throw new TypeError(`${op}() needs a field name`);
    return new RangeBuilder([...this.steps, { op, field, value: encodeValue(value) }]);
  }
  eq(field: string, value: unknown) {
    return this.add("eq", field, value);
  }
  gt(field: string, value: unknown) {
    return this.add("gt", field, value);
  }
  gte(field: string, value: unknown) {
    return this.add("gte", field, value);
  }
  lt(field: string, value: unknown) {
    return this.add("lt", field, value);
  }
  lte(field: string, value: unknown) {
    return this.add("lte", field, value);
  }
}

const ITERATION_BATCH = 100;
/** The most documents collect() returns (Convex-style read bound; docs/RELIABILITY.md). */
export const MAX_COLLECT_DOCUMENTS = 8192;

export class QueryBuilder<D = Document> {
  constructor(
    private readonly host: QueryHost,
    private readonly state: QueryState = { index: null, range: [], order: "asc", filters: [] },
  ) {}

  private with(patch: Partial<QueryState>): QueryBuilder<D> {
    return new QueryBuilder<D>(this.host, { ...this.state, ...patch });
  }

  withIndex(name: string, range?: (q: IndexRangeBuilder) => IndexRangeBuilder): QueryBuilder<D> {
    const built = range ? range(new RangeBuilder()) : new RangeBuilder();
    if (!(built instanceof RangeBuilder)) throw new TypeError("withIndex(): the range function must return the builder");
    return this.with({ index: name, range: built.steps });
  }

  fullTableScan(): QueryBuilder<D> {
    return this.with({ index: null, range: [] });
  }

  order(order: "asc" | "desc"): QueryBuilder<D> {
    if (order !== "asc" && order !== "desc") throw new TypeError('order() takes "asc" or "desc"');
    return this.with({ order });
  }

  filter(predicate: (q: FilterBuilder) => FilterExpression): QueryBuilder<D> {
    return this.with({ filters: [...this.state.filters, buildFilter(predicate)] });
  }

  /**
   * All matching documents, at most MAX_COLLECT_DOCUMENTS of them: a query that would return
   * more throws (QUERY_TOO_LARGE) instead of loading an unbounded result; use take(n),
   * paginate() or `for await` for larger results.
   */
  async collect(): Promise<D[]> {
    const { docs } = await this.execute(MAX_COLLECT_DOCUMENTS + 1, null, false);
    if (docs.length > MAX_COLLECT_DOCUMENTS) {
      throw new ValidationError(
        `collect() on table "${this.host.table.table}" would return more than ${MAX_COLLECT_DOCUMENTS} documents; ` +
          `use take(n), paginate({ numItems, cursor }) or \`for await\` iteration to read them in bounded pages`,
        "QUERY_TOO_LARGE",
      );
    }
    return docs;
  }

  async take(n: number): Promise<D[]> {
    if (!Number.isInteger(n) || n < 0) throw new TypeError("take(n) needs a non-negative integer");
    return (await this.execute(n, null, false)).docs;
  }

  async first(): Promise<D | null> {
    return (await this.execute(1, null, false)).docs[0] ?? null;
  }

  async unique(): Promise<D | null> {
    const { docs } = await this.execute(2, null, false);
    if (docs.length > 1) {
      throw new ValidationError(`unique() found more than one document in table "${this.host.table.table}"`, "NOT_UNIQUE");
    }
    return docs[0] ?? null;
  }

  async paginate(options: PaginationOptions): Promise<PaginationResult<D>> {
    const numItems = options?.numItems;
    if (!Number.isInteger(numItems) || numItems < 1) throw new TypeError("paginate() needs numItems >= 1");
    const cursor = options.cursor ?? null;
    if (cursor !== null && typeof cursor !== "string") throw new TypeError("paginate() cursor must be a string or null");
    const { docs, done, cursor: next } = await this.execute(numItems, cursor);
    return { page: docs, isDone: done, continueCursor: next };
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<D> {
    let cursor: string | null = null;
    for (;;) {
      const { docs, done, cursor: next } = await this.execute(ITERATION_BATCH, cursor);
      yield* docs;
      if (done || docs.length === 0) return;
      cursor = next;
    }
  }

  private queryJson(): string {
    const { index, range, order, filters } = this.state;
    const filter = filters.length === 0 ? null : filters.length === 1 ? filters[0] : { op: "and", args: filters };
    return JSON.stringify({ table: this.host.table.table, index, range, order, filter });
  }

  /**
   * `wantsCursor` false (take, first, unique, collect): the caller uses the documents only, so
   * a read outside a mutation whose first batch already holds them all skips the core's
   * queryFeedCount (which would only encode the continue cursor; such a run records no reads).
   */
  private async execute(
    limit: number,
    cursor: string | null,
    wantsCursor = true,
  ): Promise<{ docs: D[]; done: boolean; cursor: string }> {
    const settling = this.host.settle?.();
    if (settling) await settling;
    const { core, table } = this.host;
    const queryJson = this.queryJson();
    // Outside a mutation, a page the core answered before with a statement is sent at once
    // (speculatively) and the core plans it while the server works; the core's statement
    // must then be the same, else that result is dropped (early-statements.ts).
    const early = this.host.tx === 0 && this.host.runCells ? sendEarly(core, queryJson, cursor, limit, this.host.runCells) : undefined;
    if (early !== undefined) await early.sent;
    const begin = core.queryBegin(this.host.tx, queryJson, cursor ?? "", limit);
    if (begin.statement) core.statement(begin.statement);  // its text may come by number
    const docs: Document[] = [];
    let open = true;  // queryFeedCount closes the run it finishes (no queryEnd crossing)
    try {
      if (begin.finished || !begin.statement) return { docs: [], done: true, cursor: begin.cursor };
      let statement: Statement = begin.statement;
      let remaining = begin.remaining;
      let first: Promise<SqlCells> | undefined;
      if (this.host.tx === 0 && begin.countsOnly && this.host.runCells) {
        first = early?.take(statement);
        rememberStatement(core, queryJson, cursor, limit, statement);
      }
      for (;;) {
        if (begin.countsOnly && this.host.runCells) {
          // Every row is a result, and the driver's cells become documents in one pass.
          const cells = await (first ?? this.host.runCells(statement));
          first = undefined;
          const plan = planCells(table, cells);
          if (plan === null) throw new TypeError(`a page of table "${table.table}" came back without a column of its layout`);
          const rows = cells.rows;
          const kept = remaining < 0 ? rows.length : Math.min(rows.length, remaining);
          const inMutation = this.host.tx !== 0;
          if (!wantsCursor && !inMutation && remaining >= 0 && rows.length >= remaining) {
            // The core would keep the first `remaining` rows and finish (QueryRun::feed_count).
            for (let i = 0; i < kept; i++) docs.push(cellsDocument(plan, rows[i]!));
            return { docs: docs as D[], done: false, cursor: "" };
          }
          const last = kept > 0 ? cellsPosition(plan, rows[kept - 1]!) : null;
          const step = core.queryFeedCount(begin.run, rows.length, JSON.stringify(last));
          open = step.more;
          for (let i = 0; i < step.emitCount; i++) {
            const row = rows[i]!;
            const doc = cellsDocument(plan, row);
            if (inMutation) this.host.remember(doc, plan.version(row[plan.versionAt]) as string);
            docs.push(doc);
          }
          remaining = step.remaining;
          if (!step.more || !step.statement) return { docs: docs as D[], done: step.done, cursor: step.cursor };
          statement = step.statement;
          continue;
        }
        const { rows } = await this.host.run(statement);
        if (begin.countsOnly) {
          // Every row is a result: tell the core how many came back and which is the last kept.
          const kept = remaining < 0 ? rows.length : Math.min(rows.length, remaining);
          const lastRow = kept > 0 ? rows[kept - 1]! : null;
          const last = lastRow && {
            _id: String(lastRow._id),
            _creationTime: Number(lastRow._creationTime),
            k: lastRow._key === undefined ? undefined : hex(lastRow._key),
          };
          const step = core.queryFeedCount(begin.run, rows.length, JSON.stringify(last));
          open = step.more;
          for (let i = 0; i < step.emitCount; i++) {
            const { doc, version } = decodeRow(table, rows[i]!);
            this.host.remember(doc, version);
            docs.push(doc);
          }
          remaining = step.remaining;
          if (!step.more || !step.statement) return { docs: docs as D[], done: step.done, cursor: step.cursor };
          statement = step.statement;
          continue;
        }
        const decoded = rows.map((row) => decodeRow(table, row));
        const feed = decoded.map(({ doc }, i) => ({
          _id: doc._id,
          _creationTime: doc._creationTime,
          k: rows[i]!._key === undefined ? undefined : hex(rows[i]!._key),
          doc: begin.needsDocuments ? encodeValue(doc) : undefined,
        }));
        const step = core.queryFeed(begin.run, JSON.stringify(feed));
        for (const e of step.emit) {
          if ("row" in e) {
            const { doc, version } = decoded[e.row]!;
            this.host.remember(doc, version);
            docs.push(doc);
          } else {
            const doc = this.host.pending(e.pending);
            if (doc) docs.push(doc);
          }
        }
        if (!step.more || !step.statement) return { docs: docs as D[], done: step.done, cursor: step.cursor };
        statement = step.statement;
      }
    } finally {
      early?.drop();
      if (open) core.queryEnd(begin.run);
    }
  }
}

function hex(value: unknown): string {
  const bytes =
    value instanceof Uint8Array ? value : typeof value === "string" && value.startsWith("\\x") ? null : new Uint8Array(0);
  if (bytes === null) return (value as string).slice(2);
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX_BYTE[bytes[i]!]!;
  return out;
}

// "00".."ff": one lookup per key byte instead of toString(16) + padding (a page of 100 keys
// went from ~95 us to ~35 us in Node; see docs/BENCHMARKS.md).
const HEX_BYTE = Array.from({ length: 256 }, (_, i) => (i < 16 ? "0" : "") + i.toString(16));
