import type { Generated } from 'kysely';

/**
 * The database tables as Kysely sees them. Times are integer milliseconds since the epoch (UTC) in
 * every dialect, so comparisons and arithmetic are the same SQL everywhere.
 */
/**
 * `expired`: ran out without being renewed or released, marked by housekeeping (ended_at is its
 * expiry); until then such a lease stays `active` with `expires_at` in the past. Either way it
 * holds no seat.
 */
export type LeaseState = 'active' | 'released' | 'superseded' | 'expired' | 'revoked';
export type RevokedReason = 'license_deleted' | 'key_removed';
export type SigningAlgorithm = 'ES256' | 'EdDSA' | 'RS256';
export type Role = 'owner' | 'admin' | 'viewer';

export interface OrganizationTable {
  id: string;
  name: string;
  created_at: number;
}

export interface SigningKeyTable {
  id: string;
  organization_id: string;
  algorithm: SigningAlgorithm;
  public_key_pem: string;
  /** Sealed under the key-encryption key (keys/secret-box.ts); plain only in a database not yet opened by a version that seals. */
  private_key_pem: string;
  created_at: number;
  retired_at: number | null;
}

export interface AdminUserTable {
  id: string;
  organization_id: string;
  username: string;
  /** `usernameKey(username)`; NULL only for an older account whose name normalizes like an older one's (migration 005). */
  username_key: string | null;
  display_name: string;
  email: string | null;
  password_hash: string;
  role: Role;
  created_at: number;
}

export interface ApiTokenTable {
  id: string;
  organization_id: string;
  name: string;
  role: Role;
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
  /** The user who made it; NULL for the operator's (CLI) tokens and tokens made before migration 005. */
  created_by: string | null;
  /** When it stops being accepted (ms); NULL: never. Added by migration 010. */
  expires_at: number | null;
}

export interface CustomerTable {
  id: string;
  organization_id: string;
  name: string;
  contact_name: string | null;
  contact_email: string | null;
  phone: string | null;
  comment: string | null;
  created_at: number;
  updated_at: number;
  /** `nameKey(name)`: what search and the exact-name filter compare (not unique: customers may share a name). */
  name_key: string | null;
}

export interface ProductTable {
  id: string;
  organization_id: string;
  name: string;
  /** `nameKey(name)`, unique per organization; NULL for the younger of names that differed only in case before migration 009. */
  name_key: string | null;
  description: string | null;
  created_at: number;
  updated_at: number;
}

export interface FeatureTable {
  id: string;
  organization_id: string;
  product_id: string;
  name: string;
  /** `nameKey(name)`, unique per product; NULL as for products. */
  name_key: string | null;
  description: string | null;
  created_at: number;
  updated_at: number;
}

export interface LicenseTable {
  id: string;
  organization_id: string;
  customer_id: string;
  lease_limit: number | null;
  expiry: number | null;
  comment: string | null;
  created_at: number;
  updated_at: number;
}

export interface LicenseFeatureTable {
  license_id: string;
  feature_id: string;
}

export interface LicenseKeyTable {
  id: string;
  organization_id: string;
  license_id: string;
  /** The code as admins see it, sealed under the key-encryption key. */
  code_sealed: string;
  /** HMAC of the code under a key derived from the key-encryption key: what a code is found and kept unique by. Null only before sealing. */
  code_hash: string | null;
  /** HMAC of `keyCodeFold(code)`, unique per organization: a code in any case finds it. NULL for the younger of codes that differed only in case, and until indexed. */
  code_fold_hash: string | null;
  /** 1 once `code_fold_hash` and the key's grams are written (store/key-search-index.ts); 0 after migration 009 until the next start. */
  indexed: number;
  created_at: number;
}

/** The blind index of key codes: one row per n-gram of a code's search form, as a keyed hash. */
export interface LicenseKeyGramTable {
  organization_id: string;
  gram: string;
  key_id: string;
}

/** The id of the key-encryption key that sealed the database's secrets: one row, slot 'current'. */
export interface SealingKeyTable {
  slot: string;
  key_id: string;
  sealed_at: number;
}

export interface LeaseTable {
  id: string;
  organization_id: string;
  /** Not a foreign key: a lease outlives its license so that it can answer LEASE_INVALID / KEY_INVALID. */
  license_id: string;
  key_id: string;
  client_id: string | null;
  issued_at: number;
  expires_at: number;
  state: LeaseState;
  revoked_reason: RevokedReason | null;
  signing_key_id: string;
  code_hash: string;
  replaced_by: string | null;
  ended_at: number | null;
}

export interface AdminSessionTable {
  id: string;
  organization_id: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  first_failure_at: number;
  blocked_until: number;
}

export interface AuditEventTable {
  id: string;
  organization_id: string;
  at: number;
  actor_type: 'user' | 'token';
  actor_id: string;
  actor_name: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  before_json: string | null;
  after_json: string | null;
}

export interface UsageHourlyTable {
  organization_id: string;
  license_id: string;
  /** Start of the hour, in milliseconds since the epoch. */
  hour: number;
  peak_leases: number;
  refused: number;
}

/** Failed licensing lookups of one client address in its current window. */
export interface LicensingThrottleTable {
  address: string;
  /** When the current counting window began, in ms since the epoch. */
  window_start: number;
  failures: number;
  /** Until when the address is refused; 0 or past when it is not. */
  blocked_until: number;
}

/** One change, in the outbox (migration 007). */
export interface DomainEventTable {
  /** Assigned by the database: autoincrement on SQLite, an identity column on PostgreSQL. */
  id: Generated<number>;
  /** PostgreSQL: the writing transaction's id (xid8, read as text); SQLite: 0. */
  tx: Generated<number | string>;
  organization_id: string;
  type: string;
  at: number;
  subject_type: string | null;
  subject_id: string | null;
  actor_type: string | null;
  actor_id: string | null;
  actor_name: string | null;
  /** JSON. */
  data: string;
}

/** Where one subscriber of the outbox has got to, and which instance delivers to it until when. */
export interface EventSubscriptionTable {
  name: string;
  cursor_tx: number;
  cursor_id: number;
  holder: string | null;
  held_until: number;
  updated_at: number;
}

export interface Database {
  organization: OrganizationTable;
  signing_key: SigningKeyTable;
  admin_user: AdminUserTable;
  api_token: ApiTokenTable;
  customer: CustomerTable;
  product: ProductTable;
  feature: FeatureTable;
  license: LicenseTable;
  license_feature: LicenseFeatureTable;
  license_key: LicenseKeyTable;
  license_key_gram: LicenseKeyGramTable;
  lease: LeaseTable;
  admin_session: AdminSessionTable;
  login_throttle: LoginThrottleTable;
  audit_event: AuditEventTable;
  usage_hourly: UsageHourlyTable;
  sealing_key: SealingKeyTable;
  licensing_throttle: LicensingThrottleTable;
  domain_event: DomainEventTable;
  event_subscription: EventSubscriptionTable;
}
