// Diagnostic output shared by the three commands: `path:line:col severity rule: message`
// (the ESLint/TypeScript convention editors and CI annotate), colour only on a TTY, and no
// password ever printed.

export type Severity = "error" | "warning" | "hint";

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  severity(severity: Severity, text: string): string;
}

const plain: Style = { bold: (t) => t, dim: (t) => t, severity: (_s, t) => t };

const SEVERITY_COLOUR: Record<Severity, number> = { error: 31, warning: 33, hint: 36 };

/** Colour when the stream is a terminal, unless NO_COLOR is set; FORCE_COLOR forces it. */
export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  const force = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0";
  const colour = force || (stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== "dumb");
  if (!colour) return plain;
  const wrap = (code: number, text: string): string => `\u001b[${code}m${text}\u001b[0m`;
  return {
    bold: (t) => wrap(1, t),
    dim: (t) => wrap(2, t),
    severity: (s, t) => wrap(SEVERITY_COLOUR[s], t),
  };
}

export function location(file: string, line: number, column: number): string {
  return `${file}:${line}:${column}`;
}

const PLACEHOLDER_PASSWORD =
  /^(?:pass(?:word)?|passw0rd|pw|pwd|secret|changeme|change[-_]?me|example|test|dev|local|postgres|mysql|root|admin|user|xx+|\*+|\.\.\.+)$/i;

/** A password that is obviously a stand-in (`password`, `<password>`, `${PG_PASSWORD}`...). */
export function isPlaceholderPassword(password: string): boolean {
  return PLACEHOLDER_PASSWORD.test(password) || /[<>]|\$\{|\{\{/.test(password);
}

const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s"'`]*):([^@\s/"'`]*)@/gi;

/** Masks every password: URL-form credentials (`scheme://user:password@`) unless the password
 * is an obvious placeholder, and each of the given passwords wherever it appears verbatim. */
export function maskSecrets(text: string, passwords: Iterable<string> = []): string {
  let out = text.replace(URL_CREDENTIALS, (whole, prefix: string, password: string) =>
    password === "***" || isPlaceholderPassword(safeDecode(password)) ? whole : `${prefix}:***@`,
  );
  for (const password of passwords) {
    if (password.length === 0) continue;
    for (const form of new Set([password, encodeURIComponent(password)])) {
      if (out.includes(form)) out = out.split(form).join("***");
    }
  }
  return out;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
