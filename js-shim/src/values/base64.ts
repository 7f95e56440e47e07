// Standard base64 (RFC 4648, with padding) without Buffer, so it runs the same in Node and
// workerd. Short inputs (every $integer and $float is 8 bytes) are built by string
// concatenation, which V8 does without copying; long ones go through one byte array and a
// TextDecoder, a single native pass.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const PAD = 61; // "="
const CHARS: readonly string[] = Array.from(ALPHABET);
const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
// char code -> 6-bit value, 255 for anything not in the alphabet
const VALUES = new Uint8Array(128).fill(255);
for (let i = 0; i < 64; i++) VALUES[CODES[i]!] = i;

const SHORT = 24; // bytes; below this, concatenation beats the array + TextDecoder round trip
const ascii = new TextDecoder();

export function bytesToBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const whole = n - (n % 3);
  if (n <= SHORT) {
    let out = "";
    for (let i = 0; i < whole; i += 3) {
      const t = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
      out += CHARS[t >>> 18]! + CHARS[(t >>> 12) & 63]! + CHARS[(t >>> 6) & 63]! + CHARS[t & 63]!;
    }
    if (n - whole === 1) {
      const t = bytes[whole]!;
      out += CHARS[t >>> 2]! + CHARS[(t & 3) << 4]! + "==";
    } else if (n - whole === 2) {
      const t = (bytes[whole]! << 8) | bytes[whole + 1]!;
      out += CHARS[t >>> 10]! + CHARS[(t >>> 4) & 63]! + CHARS[(t & 15) << 2]! + "=";
    }
    return out;
  }
  const out = new Uint8Array(((n + 2) / 3) << 2);
  let o = 0;
  for (let i = 0; i < whole; i += 3) {
    const t = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o] = CODES[t >>> 18]!;
    out[o + 1] = CODES[(t >>> 12) & 63]!;
    out[o + 2] = CODES[(t >>> 6) & 63]!;
    out[o + 3] = CODES[t & 63]!;
    o += 4;
  }
  if (n - whole === 1) {
    const t = bytes[whole]!;
    out[o] = CODES[t >>> 2]!;
    out[o + 1] = CODES[(t & 3) << 4]!;
    out[o + 2] = PAD;
    out[o + 3] = PAD;
  } else if (n - whole === 2) {
    const t = (bytes[whole]! << 8) | bytes[whole + 1]!;
    out[o] = CODES[t >>> 10]!;
    out[o + 1] = CODES[(t >>> 4) & 63]!;
    out[o + 2] = CODES[(t & 15) << 2]!;
    out[o + 3] = PAD;
  }
  return ascii.decode(out);
}

/**
 * The number of bytes `text` decodes to, or -1 when its length or padding is not that of
 * padded base64. The characters themselves are checked by `decodeBase64Into`.
 */
export function base64ByteLength(text: string): number {
  const n = text.length;
  if ((n & 3) !== 0) return -1;
  if (n === 0) return 0;
  let pad = 0;
  if (text.charCodeAt(n - 1) === PAD) pad = text.charCodeAt(n - 2) === PAD ? 2 : 1;
  return (n >>> 2) * 3 - pad;
}

/**
 * Decodes `text` into `out`, which must be `base64ByteLength(text)` long. Returns false on a
 * character outside the alphabet, misplaced padding, or non-zero bits after the last byte
 * (so every byte string has exactly one accepted encoding).
 */
export function decodeBase64Into(text: string, out: Uint8Array): boolean {
  const length = out.length;
  const whole = length - (length % 3);
  let o = 0;
  let i = 0;
  for (; o < whole; o += 3, i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    const d = sextet(text, i + 3);
    if ((a | b | c | d) < 0) return false;
    const t = (a << 18) | (b << 12) | (c << 6) | d;
    out[o] = t >>> 16;
    out[o + 1] = (t >>> 8) & 255;
    out[o + 2] = t & 255;
  }
  const rest = length - whole;
  if (rest === 1) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    if ((a | b) < 0 || (b & 15) !== 0) return false;
    out[o] = (a << 2) | (b >>> 4);
  } else if (rest === 2) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    if ((a | b | c) < 0 || (c & 3) !== 0) return false;
    out[o] = (a << 2) | (b >>> 4);
    out[o + 1] = ((b & 15) << 4) | (c >>> 2);
  }
  return true;
}

// A character's 6-bit value, or -1 (so an OR of a group goes negative).
function sextet(text: string, i: number): number {
  const c = text.charCodeAt(i);
  const value = c < 128 ? VALUES[c]! : 255;
  return value === 255 ? -1 : value;
}
