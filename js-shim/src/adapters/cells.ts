// Raw result cells: a store-private way to read a result set without building row objects.
//
// The public SqlClient / SqlExec hand back plain row objects with documented JS values. The
// store's page reads (take / paginate / collect) instead ask the adapters it built for the
// driver's own cells plus the column list, and decode them straight into documents by the
// column kinds of its layout (global/cells-decode.ts): one object and one conversion per cell
// instead of two. Only the adapters of this package implement it; any other SqlExec (the
// reference page's `{ query }` wrapper, a user's own) keeps the plain-row path.

/**
 * The method key. A registered symbol, so that a SqlExec wrapper (for example the benchmark's
 * round-trip counter) can forward it, and two copies of the package interoperate.
 */
export const queryCells: unique symbol = Symbol.for("@lunora/hyperdrive.queryCells");

/** A result column: its name and the engine's type (Postgres type oid; mysql2 `columnType`). */
export interface CellColumn {
  readonly name: string;
  readonly type: number;
  /** MySQL only: the column's character set number (63 = binary). */
  readonly characterSet?: number;
}

/**
 * A result set as the driver produced it.
 * - "postgres": every cell is the column's text form, as a string or its UTF-8 bytes, or null.
 * - "mysql": mysql2's values (`rowsAsArray`; BIGINT as decimal text, DATETIME as text,
 *   binary columns as Buffer views), or null.
 */
export interface SqlCells {
  readonly engine: "postgres" | "mysql";
  readonly columns: readonly CellColumn[];
  readonly rows: readonly (readonly unknown[])[];
}

/**
 * Set (true) on a source whose driver writes a statement out only on a later turn of the event
 * loop (postgres.js: from a setImmediate callback), rather than during the call.
 */
export const cellsWriteLater: unique symbol = Symbol.for("@lunora/hyperdrive.cellsWriteLater");

/**
 * Resolves once a driver marked `cellsWriteLater` has written out the statement just made, so
 * that synchronous core work done then does not delay the socket write. postgres.js writes
 * from a setImmediate callback that it schedules a few microtasks after the query is made
 * (mysql2 and pg write during the call, and need no wait): two turns of the event loop let
 * that callback run first.
 */
export const yieldToDriver = (): Promise<void> =>
  typeof setImmediate === "function"
    ? new Promise((resolve) => setImmediate(() => setImmediate(resolve)))
    : Promise.resolve();

/** Runs `fn` once the driver has written out the statement just sent (`writesLater`: on a later turn). */
export function afterDriverWrite(writesLater: boolean, fn: () => void): void {
  if (writesLater) void yieldToDriver().then(fn);
  else fn();
}

export interface CellsSource {
  [queryCells](text: string, params: readonly unknown[]): Promise<SqlCells>;
  [cellsWriteLater]?: boolean;
}

export function hasCells(target: unknown): target is CellsSource {
  return typeof (target as Partial<CellsSource> | null)?.[queryCells] === "function";
}
