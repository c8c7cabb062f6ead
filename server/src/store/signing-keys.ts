import type { SecretBox } from '../keys/secret-box.js';
import type { Db } from './db.js';
import type { SigningAlgorithm } from './schema.js';

export interface SigningKeyRecord {
  id: string;
  organizationId: string;
  algorithm: SigningAlgorithm;
  publicKeyPem: string;
  /** The private key sealed under the key-encryption key: `SecretBox.openPrivateKey` gives the PEM. */
  sealedPrivateKey: string;
  createdAt: number;
  retiredAt: number | null;
}

/** A key pair to store: its private key in plain text, which the store seals before writing. */
export type NewSigningKey = Omit<SigningKeyRecord, 'retiredAt' | 'sealedPrivateKey'> & { privateKeyPem: string };

interface Row {
  id: string;
  organization_id: string;
  algorithm: SigningAlgorithm;
  public_key_pem: string;
  private_key_pem: string;
  created_at: number;
  retired_at: number | null;
}

function toRecord(row: Row): SigningKeyRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    algorithm: row.algorithm,
    publicKeyPem: row.public_key_pem,
    sealedPrivateKey: row.private_key_pem,
    createdAt: Number(row.created_at),
    retiredAt: row.retired_at === null ? null : Number(row.retired_at),
  };
}

/** The organizations' key pairs. Keys live only in the database, so every instance signs alike. */
export class SigningKeyStore {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
  ) {}

  /** The key that signs new leases: the organization's newest key that is not retired. */
  async current(organizationId: string): Promise<SigningKeyRecord | undefined> {
    const row = await this.db.kysely
      .selectFrom('signing_key')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  /** The current key and every retired key that signed a lease which has not expired yet. */
  async verifying(organizationId: string, now: number): Promise<SigningKeyRecord[]> {
    const rows = await this.db.kysely
      .selectFrom('signing_key as k')
      .selectAll('k')
      .where('k.organization_id', '=', organizationId)
      .where((eb) => eb.or([eb('k.retired_at', 'is', null), eb.exists(eb.selectFrom('lease as l').select('l.id').whereRef('l.signing_key_id', '=', 'k.id').where('l.expires_at', '>', now))]))
      .orderBy('k.created_at', 'desc')
      .execute();
    return rows.map(toRecord);
  }

  /** Retires the current key and installs `next` in its place, atomically. */
  async rotate(next: NewSigningKey): Promise<void> {
    await this.db.writeTransaction(async (trx) => {
      await trx.updateTable('signing_key').set({ retired_at: next.createdAt }).where('organization_id', '=', next.organizationId).where('retired_at', 'is', null).execute();
      await trx
        .insertInto('signing_key')
        .values({
          id: next.id,
          organization_id: next.organizationId,
          algorithm: next.algorithm,
          public_key_pem: next.publicKeyPem,
          private_key_pem: this.secrets.sealPrivateKey(next.id, next.privateKeyPem),
          created_at: next.createdAt,
          retired_at: null,
        })
        .execute();
    });
  }
}
