// The core's compact answers (a commit's plan, a blind patch's statement, a log entry's
// subscriptions and sequence) as JS values.
//
// They are JSON arrays of strings, numbers, booleans and nulls, read once per write between
// round trips. JSON.parse reads them too, but it is a large native routine that a write then
// runs cold (every write's first use of it after waiting on the server); this reader is a
// few lines of JIT code. It takes only what it reads exactly as JSON.parse would, and hands
// anything else (objects, which a shape's first plan carries, and any text it does not
// expect) to JSON.parse, whole.

/** JSON.parse(text) for the core's compact answers. */
export function readCompactAnswer(text: string): unknown {
  const reader = new Reader(text);
  const value = reader.value();
  return value !== UNREAD && reader.at === text.length ? value : JSON.parse(text);
}

/** What the reader leaves to JSON.parse. */
const UNREAD = Symbol("unread");

// Each escape letter followed by the character it stands for.
const SIMPLE_ESCAPES = '""\\\\//b\bf\fn\nr\rt\t';
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;

class Reader {
  at = 0;

  constructor(private readonly text: string) {}

  value(): unknown {
    const text = this.text;
    const c = text.charCodeAt(this.at);
    if (c === OPEN) return this.array();
    if (c === QUOTE) return this.string();
    if (text.startsWith("null", this.at)) return this.literal(4, null);
    if (text.startsWith("true", this.at)) return this.literal(4, true);
    if (text.startsWith("false", this.at)) return this.literal(5, false);
    return this.number();
  }

  private literal<T>(length: number, value: T): T {
    this.at += length;
    return value;
  }

  private array(): unknown {
    const text = this.text;
    const out: unknown[] = [];
    this.at += 1;
    if (text.charCodeAt(this.at) === CLOSE) {
      this.at += 1;
      return out;
    }
    for (;;) {
      const item = this.value();
      if (item === UNREAD) return UNREAD;
      out.push(item);
      const c = text.charCodeAt(this.at++);
      if (c === CLOSE) return out;
      if (c !== COMMA) return UNREAD;
    }
  }

  private string(): unknown {
    const text = this.text;
    const start = this.at + 1;
    let out = ""; // the string up to `from`, when it has escapes
    let from = start;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        this.at = i + 1;
        return from === start ? text.slice(start, i) : out + text.slice(from, i);
      }
      if (c === BACKSLASH) {
        // (A JSON column's text in a plan escapes its quotes.)
        const escape = text.charCodeAt(i + 1);
        if (escape === 0x75) { // \uXXXX
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) return UNREAD;
          out += text.slice(from, i) + String.fromCharCode(parseInt(hex, 16));
          i += 5;
        } else {
          const at = SIMPLE_ESCAPES.indexOf(String.fromCharCode(escape));
          if (at < 0 || at % 2 !== 0) return UNREAD;
          out += text.slice(from, i) + SIMPLE_ESCAPES[at + 1]!;
          i += 1;
        }
        from = i + 1;
      } else if (c < 0x20) {
        return UNREAD;
      }
    }
    return UNREAD;
  }

  private number(): unknown {
    const text = this.text;
    const start = this.at;
    let end = start;
    while (end < text.length) {
      const c = text.charCodeAt(end);
      if (c === COMMA || c === CLOSE) break;
      end += 1;
    }
    if (!isJsonNumber(text, start, end)) return UNREAD;
    this.at = end;
    return Number(text.slice(start, end));
  }
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** Whether text[start, end) is a JSON number: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
function isJsonNumber(text: string, start: number, end: number): boolean {
  let i = start;
  if (text.charCodeAt(i) === 0x2d) i += 1; // -
  if (text.charCodeAt(i) === 0x30) i += 1; // a lone 0
  else if (isDigit(text.charCodeAt(i))) while (isDigit(text.charCodeAt(i))) i += 1;
  else return false;
  if (text.charCodeAt(i) === 0x2e) { // .
    i += 1;
    if (!isDigit(text.charCodeAt(i))) return false;
    while (isDigit(text.charCodeAt(i))) i += 1;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) { // e E
    i += 1;
    const sign = text.charCodeAt(i);
    if (sign === 0x2b || sign === 0x2d) i += 1;
    if (!isDigit(text.charCodeAt(i))) return false;
    while (isDigit(text.charCodeAt(i))) i += 1;
  }
  return i === end;
}
