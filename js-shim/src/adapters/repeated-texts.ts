// Which store statements postgres.js runs as named prepared statements.
//
// Unprepared, `sql.unsafe(text, params)` sends Parse + Describe, waits for the parameter
// types, then Bind + Execute: two round trips. Prepared, postgres.js names the text once per
// connection and from then on sends Bind + Execute: one. But postgres.js never deallocates a
// statement it named (it lives until the connection closes), so only texts that come back are
// worth naming: the store's point reads, page reads per query shape and commits per shape
// repeat, while one-off texts (a group commit with an unusual mix of members, catalog reads,
// DDL) must not pile up on the connections. A text is prepared from its second run on, and at
// most `maxPrepared` texts ever are, so a connection holds at most that many statements (and
// the rare one postgres.js names again after "cached plan must not change result type").
// Texts without parameters go out unprepared (postgres.js sends them as a simple query, which
// is how DDL and multi-statement texts run), and so do texts over `maxTextChars`.

export interface RepeatedTextsLimits {
  /** Texts this store prepares, at most (each connection names at most these). */
  maxPrepared: number;
  /** Texts seen once remembered, at most; the memory is cleared when full. */
  maxSeen: number;
  /** Characters of remembered-once texts, at most; the memory is cleared past it. */
  maxSeenChars: number;
  /** Longer texts are never prepared (the core keeps longer ones inline too: one-offs). */
  maxTextChars: number;
}

const DEFAULT_LIMITS: RepeatedTextsLimits = { maxPrepared: 512, maxSeen: 1024, maxSeenChars: 1 << 20, maxTextChars: 8192 };

/** @internal One store's record of the texts it has run, shared by its transactions. */
export class RepeatedTexts {
  private readonly prepared = new Set<string>();
  private readonly seen = new Set<string>();
  private seenChars = 0;
  private readonly limits: RepeatedTextsLimits;

  constructor(limits: Partial<RepeatedTextsLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Records a run of `text` with `paramCount` parameters; true: run it prepared. */
  prepare(text: string, paramCount: number): boolean {
    if (this.prepared.has(text)) return true;
    if (paramCount === 0 || text.length > this.limits.maxTextChars) return false;
    if (!this.seen.has(text)) {
      if (this.seen.size >= this.limits.maxSeen || this.seenChars + text.length > this.limits.maxSeenChars) {
        this.seen.clear();
        this.seenChars = 0;
      }
      this.seen.add(text);
      this.seenChars += text.length;
      return false;
    }
    if (this.prepared.size >= this.limits.maxPrepared) return false;
    this.seen.delete(text);
    this.seenChars -= text.length;
    this.prepared.add(text);
    return true;
  }

  /** How many texts run prepared (for tests). */
  get preparedCount(): number {
    return this.prepared.size;
  }
}
