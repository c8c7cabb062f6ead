/** Key codes: 4..128 letters, digits, `_ . -`, starting with a letter or digit (as the server checks). */
export const KEY_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{3,127}$/;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A strong key code like the server's: 25 Crockford base32 characters (125 random bits) in groups of five. */
export function generateKeyCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(25));
  const chars = Array.from(bytes, (b) => CROCKFORD[b & 31]!);
  return [0, 5, 10, 15, 20].map((i) => chars.slice(i, i + 5).join('')).join('-');
}

export function keyCodeError(code: string): string | null {
  if (!code.trim()) return 'Enter a key code or remove this row';
  if (code.length < 4 || code.length > 128) return 'Use 4 to 128 characters';
  if (!KEY_CODE.test(code)) return 'Use letters, digits, _ . and -, starting with a letter or digit';
  return null;
}
