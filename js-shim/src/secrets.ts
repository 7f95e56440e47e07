// Keeps passwords out of every error message, stack and log line the package produces.
//
// Secrets are registered when they become known (createHyperdrive, adapter construction from
// a driver's own config) and every message the package surfaces passes through `redact`.
// Credentials written in URL form (`scheme://user:password@host`) are masked even when the
// password was never registered.

const MASK = "***";
// Shorter strings would mask ordinary words; URL-form masking still covers them.
const MIN_SECRET_LENGTH = 4;
const MAX_SECRETS = 256;

const secrets = new Set<string>();

export function registerSecret(secret: unknown): void {
  if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) return;
  if (secrets.has(secret)) return;
  if (secrets.size >= MAX_SECRETS) {
    const oldest = secrets.values().next().value;
    if (oldest !== undefined) secrets.delete(oldest);
  }
  secrets.add(secret);
  let encoded: string;
  try {
    encoded = encodeURIComponent(secret);
  } catch {
    return; // lone surrogates cannot be URL-encoded; the raw form is registered
  }
  if (encoded !== secret) secrets.add(encoded);
}

const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^@\s/]*@/gi;

export function redact(text: string): string {
  let out = text.replace(URL_CREDENTIALS, `$1:${MASK}@`);
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out;
}
