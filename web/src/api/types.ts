/** The admin API's resources, as the server answers them (dates are ISO 8601 strings). */

export type Role = 'owner' | 'admin' | 'viewer';
export const ROLES: Role[] = ['owner', 'admin', 'viewer'];

export type SigningAlgorithm = 'ES256' | 'EdDSA' | 'RS256';
export const SIGNING_ALGORITHMS: SigningAlgorithm[] = ['ES256', 'EdDSA', 'RS256'];

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface PageParams {
  limit?: number;
  offset?: number;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  role: Role;
  createdAt: string;
}

export interface Session {
  user: User;
  organization: { id: string; name: string };
  csrfToken: string;
}

export interface Organization {
  id: string;
  name: string;
  licensingEndpoint: string;
  signingAlgorithm: SigningAlgorithm;
  publicKey: string;
}

export interface Product {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Feature {
  id: string;
  productId: string;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Customer {
  id: string;
  name: string;
  contactName: string | null;
  contactEmail: string | null;
  phone: string | null;
  comment: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface License {
  id: string;
  customerId: string;
  featureIds: string[];
  leaseLimit: number | null;
  expiry: string | null;
  keys: string[];
  leasesUsed: number;
  comment: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface LicenseInput {
  customerId: string;
  featureIds: string[];
  leaseLimit: number | null;
  expiry: string | null;
  keys?: string[];
  comment?: string | null;
}

export type LeaseState = 'active' | 'released' | 'superseded' | 'revoked';
export const LEASE_STATES: LeaseState[] = ['active', 'released', 'superseded', 'revoked'];

export interface Lease {
  id: string;
  licenseId: string;
  clientId: string | null;
  issuedAt: string;
  expiry: string;
  state: LeaseState;
  endedAt: string | null;
}

/** The answer to releasing a lease: the lease, and how many leases of its seat ended with it. */
export interface LeaseRelease extends Lease {
  leasesEnded: number;
}

export type UsageRange = '24h' | '30d';

export interface LicenseUsage {
  points: { at: string; peakLeases: number; refused: number }[];
}

export interface OrganizationUsage {
  products: string[];
  points: { at: string; refused: number; peaks: Record<string, number> }[];
}

export interface Dashboard {
  activeLeases: number;
  refusedLast24h: number;
  expiringSoon: License[];
  atLimit: License[];
}

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  /** The user the token acts for (never with more rights than they have now); null: made by the operator with the CLI. */
  createdBy: { id: string; username: string } | null;
}

export interface CreatedApiToken extends ApiToken {
  token: string;
}

export interface AuditEvent {
  id: string;
  at: string;
  actor: { type: 'user' | 'token'; id: string; name: string };
  action: string;
  resourceType: string;
  resourceId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}
