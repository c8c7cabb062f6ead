import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/** Bytes in a key-encryption key (AES-256). */
export const SECRET_KEY_BYTES = 32;

const FORMAT = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed secret could not be opened: another key sealed it, or it was changed. Never carries the secret. */
export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealError';
  }
}

/** Reads a key written as base64 or base64url; undefined unless it is exactly 32 bytes. */
export function decodeSecretKey(text: string): Buffer | undefined {
  const value = text.trim();
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) return undefined;
  const key = Buffer.from(value, 'base64');
  return key.length === SECRET_KEY_BYTES ? key : undefined;
}

/** A new random key-encryption key, as base64url text. */
export function generateSecretKey(): string {
  return randomBytes(SECRET_KEY_BYTES).toString('base64url');
}

const derive = (key: Buffer, label: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), label, 32));

/**
 * The key-encryption key (KEK) and what is derived from it. The KEK never enters the database:
 * private signing keys and the display copies of license key codes are sealed with AES-256-GCM
 * under a key derived from it, bound to their row (the associated data), and key codes are looked
 * up by a keyed hash (HMAC-SHA256 under another derived key), so a copy of the database alone
 * neither signs a lease nor reveals a key code. `keyId` names the KEK (an HMAC of a fixed label,
 * which reveals nothing of it): sealed values carry it, and the database records the one that
 * sealed its secrets, so that a server given another key refuses to start.
 */
export class SecretBox {
  readonly keyId: string;
  private readonly sealKey: Buffer;
  private readonly hashKey: Buffer;
  private readonly foldKey: Buffer;
  private readonly gramKey: Buffer;

  constructor(key: Buffer) {
    if (key.length !== SECRET_KEY_BYTES) throw new Error(`a secret key has ${SECRET_KEY_BYTES} bytes`);
    this.keyId = createHmac('sha256', key).update('leasehold key id').digest('hex').slice(0, 16);
    this.sealKey = derive(key, 'leasehold seal v1');
    this.hashKey = derive(key, 'leasehold key code hash v1');
    this.foldKey = derive(key, 'leasehold key code fold v1');
    this.gramKey = derive(key, 'leasehold key code gram v1');
  }

  /** A box with a random key, for a database that lives only in memory. */
  static ephemeral(): SecretBox {
    return new SecretBox(randomBytes(SECRET_KEY_BYTES));
  }

  /** `v1:<key id>:<nonce>:<ciphertext>:<tag>` (base64url), sealed for `context` (its row) alone. */
  seal(plain: string, context: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [FORMAT, this.keyId, nonce.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join(':');
  }

  /** The plain text of a value `seal` made for the same `context`; throws SealError otherwise. */
  open(sealed: string, context: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 5 || parts[0] !== FORMAT) throw new SealError(`a secret of ${context} is not sealed (${FORMAT} format expected)`);
    const [, keyId, nonce, body, tag] = parts as [string, string, string, string, string];
    if (keyId !== this.keyId) throw new SealError(`a secret of ${context} is sealed with key ${keyId}, not with the configured key ${this.keyId}`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.sealKey, Buffer.from(nonce, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SealError(`a secret of ${context} does not open: it was changed or moved to another row`);
    }
  }

  /** True when `value` is in the sealed format (whatever key sealed it). */
  static isSealed(value: string): boolean {
    return value.startsWith(`${FORMAT}:`);
  }

  sealPrivateKey(signingKeyId: string, pem: string): string {
    return this.seal(pem, `signing_key ${signingKeyId}`);
  }

  openPrivateKey(signingKeyId: string, sealed: string): string {
    return this.open(sealed, `signing_key ${signingKeyId}`);
  }

  sealKeyCode(keyId: string, code: string): string {
    return this.seal(code, `license_key ${keyId}`);
  }

  openKeyCode(keyId: string, sealed: string): string {
    return this.open(sealed, `license_key ${keyId}`);
  }

  /**
   * What a key code is looked up and kept unique by, within its organization: HMAC-SHA256 under a
   * key derived from the KEK, so that the database alone cannot test guesses. Hex.
   */
  keyCodeHash(organizationId: string, code: string): string {
    return createHmac('sha256', this.hashKey).update(`${organizationId}\n${code}`).digest('hex');
  }

  /**
   * The keyed hash of a code's case-folded form (`keyCodeFold`), under its own derived key: what
   * keeps codes that differ only in case unique, and finds a code typed in any case. Hex.
   */
  keyCodeFoldHash(organizationId: string, foldedCode: string): string {
    return createHmac('sha256', this.foldKey).update(`${organizationId}\n${foldedCode}`).digest('hex');
  }

  /**
   * The blind index entry of one n-gram of a code's search form (see store/key-search.ts): an HMAC
   * under its own derived key, bound to the organization so that equal grams of two organizations
   * do not match, cut to 64 bits (a collision only adds a candidate, which the final check on the
   * opened code drops). Hex.
   */
  keyGramHash(organizationId: string, gram: string): string {
    return createHmac('sha256', this.gramKey).update(`${organizationId}\n${gram}`).digest('hex').slice(0, 16);
  }
}
