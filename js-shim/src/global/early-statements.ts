// Early page statements: overlapping the core's query planning with the server's work.
//
// Outside a mutation the core plans a page from (query, cursor, limit) alone, so the statement
// it returned for a page is the one it will return for the same page again. A page read seen
// before is therefore sent to the server first, and the core plans it (queryBegin, tens of
// microseconds of WASM) while the statement is on the wire. The core stays the authority:
// its statement must equal the one sent, text and parameters, or the early result is dropped
// and the core's statement runs as usual. Only reads outside a mutation (and so outside
// subscriptions, which run in a read transaction) take this path; pending writes and read
// sets never depend on it.
import { yieldToDriver, type SqlCells } from "../adapters/cells.js";
import type { CoreStore, Statement } from "./core-store.js";

/** Pages remembered per store (the most recent ones). */
const MAX_REMEMBERED = 64;

interface Remembered {
  statement: Statement;
  params: string;
}

const remembered = new WeakMap<CoreStore, Map<string, Remembered>>();

const keyOf = (queryJson: string, cursor: string | null, limit: number) => `${limit}\u0000${cursor ?? ""}\u0000${queryJson}`;

/** Records the statement the core planned for this page. */
export function rememberStatement(core: CoreStore, queryJson: string, cursor: string | null, limit: number, statement: Statement): void {
  let pages = remembered.get(core);
  if (pages === undefined) remembered.set(core, (pages = new Map()));
  const key = keyOf(queryJson, cursor, limit);
  if (pages.has(key)) return;
  if (pages.size >= MAX_REMEMBERED) pages.delete(pages.keys().next().value!);
  pages.set(key, { statement, params: JSON.stringify(statement.params) });
}

export interface EarlyPage {
  /** Resolves once the driver has had the chance to write the statement out. */
  sent: Promise<void>;
  /** The early result if `statement` (the core's) is the one sent, else undefined. */
  take(statement: Statement): Promise<SqlCells> | undefined;
  /** Lets go of a result nobody took. */
  drop(): void;
}

/** Sends the remembered statement of this page, if there is one. */
export function sendEarly(
  core: CoreStore,
  queryJson: string,
  cursor: string | null,
  limit: number,
  run: ((statement: Statement) => Promise<SqlCells>) & { writesLater?: boolean },
): EarlyPage | undefined {
  const page = remembered.get(core)?.get(keyOf(queryJson, cursor, limit));
  if (page === undefined) return undefined;
  let result: Promise<SqlCells> | undefined = run(page.statement);
  result.catch(() => {}); // a dropped result's error is nobody's; a taken one rejects where it is awaited
  return {
    sent: run.writesLater ? yieldToDriver() : Promise.resolve(),
    take(statement) {
      const same = statement.text === page.statement.text && JSON.stringify(statement.params) === page.params;
      const taken = same ? result : undefined;
      result = undefined;
      return taken;
    },
    drop() {
      result = undefined;
    },
  };
}
