import argon2 from 'argon2';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** Crockford's base32: no I, L, O or U, so a key read aloud or typed by hand is unambiguous. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A new license key code: 125 random bits as XXXXX-XXXXX-XXXXX-XXXXX-XXXXX. */
export function generateKeyCode(): string {
  const bytes = randomBytes(25);
  let code = '';
  for (let i = 0; i < 25; i++) {
    if (i > 0 && i % 5 === 0) code += '-';
    code += CROCKFORD.charAt(bytes[i]! & 31);
  }
  return code;
}

/**
 * A key code as records that outlive it show it (the audit log): its last four characters when it
 * is long enough that the rest still cannot be guessed, else nothing of it.
 */
export function maskKeyCode(code: string): string {
  return code.length >= 16 ? `…${code.slice(-4)}` : '…';
}

/** A new random password for a generated account: 24 characters, about 143 bits. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password).catch(() => false);
}

export interface NewApiToken {
  id: string;
  /** What the user is shown once: `lh_<id>_<secret>`. */
  token: string;
  secretHash: string;
}

const TOKEN = /^lh_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** A new API token. The secret has 256 random bits, so a fast hash is enough to store it. */
export function generateApiToken(): NewApiToken {
  const id = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `lh_${id.replace(/-/g, '')}_${secret}`, secretHash: sha256(secret).toString('hex') };
}

/** Splits a presented token into the id to look up and the secret to check; undefined when malformed. */
export function parseApiToken(token: string): { id: string; secret: string } | undefined {
  const m = TOKEN.exec(token);
  if (!m) return undefined;
  const hex = m[1]!;
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { id, secret: m[2]! };
}

/** Constant-time check of a presented secret against the stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = sha256(secret);
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}
