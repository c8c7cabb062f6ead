/** Key codes: up to 128 letters, digits, `_ . -`, starting with a letter or digit (as the server checks). */
export const KEY_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** A key code the license does not have yet needs this many characters; older shorter ones may be kept. */
export const MIN_NEW_KEY_LENGTH = 12;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A strong key code like the server's: 25 Crockford base32 characters (125 random bits) in groups of five. */
export function generateKeyCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(25));
  const chars = Array.from(bytes, (b) => CROCKFORD[b & 31]!);
  return [0, 5, 10, 15, 20].map((i) => chars.slice(i, i + 5).join('')).join('-');
}

/** What is wrong with a key code row; `existing` are the license's codes, which may be kept as they are. */
export function keyCodeError(code: string, existing: readonly string[] = []): string | null {
  if (!code.trim()) return 'Enter a key code or remove this row';
  if (code.length > 128) return 'Use at most 128 characters';
  if (!KEY_CODE.test(code)) return 'Use letters, digits, _ . and -, starting with a letter or digit';
  if (code.length < MIN_NEW_KEY_LENGTH && !existing.includes(code)) return `Use at least ${MIN_NEW_KEY_LENGTH} characters`;
  return null;
}

/** A key code shortened for a sentence ("Delete the license for Hooli (key ABCDE-…)?"): its first group, then an ellipsis. */
export function shortKeyCode(code: string): string {
  return code.length > 12 ? `${code.slice(0, 5)}…` : code;
}
