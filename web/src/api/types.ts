/**
 * The admin API's resources, as the server answers them (dates are ISO 8601 strings). They come
 * from the server's route schemas, through its OpenAPI document (generated/api.ts, made by
 * `npm run generate:api-types`); only the names are given here.
 */
import type { components, paths } from './generated/api';

type Wire = components['schemas'];

/** What `method path` answers as JSON with `status`. */
type Reply<P extends keyof paths, M extends keyof paths[P], S extends number = 200> = paths[P][M] extends {
  responses: Record<S, { content: { 'application/json': infer T } }>;
}
  ? T
  : never;

/** What `method path` takes as its JSON body. */
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody: { content: { 'application/json': infer T } } } ? T : never;

export type Role = Wire['User']['role'];
/** Every role once, highest first: a role the API adds or drops fails to compile here. */
const ROLE_SET: Record<Role, true> = { owner: true, admin: true, viewer: true };
export const ROLES = Object.keys(ROLE_SET) as Role[];

export type SigningAlgorithm = Wire['Organization']['signingAlgorithm'];
const ALGORITHM_SET: Record<SigningAlgorithm, true> = { ES256: true, EdDSA: true, RS256: true };
export const SIGNING_ALGORITHMS = Object.keys(ALGORITHM_SET) as SigningAlgorithm[];

/** A page of a list: the items, and where they are in the whole. Every list route answers one. */
export interface Page<T> extends Omit<Reply<'/api/v1/products', 'get'>, 'items'> {
  items: T[];
}

export type PageParams = Pick<NonNullable<paths['/api/v1/products']['get']['parameters']['query']>, 'limit' | 'offset'>;

export type User = Wire['User'];
export type Session = Wire['Session'];
export type Organization = Wire['Organization'];
export type Product = Wire['Product'];
export type Feature = Wire['Feature'];
export type Customer = Wire['Customer'];
export type License = Wire['License'];

/** The body of POST /licenses (PATCH /licenses/{id} takes any part of it). */
export type LicenseInput = Body<'/api/v1/licenses', 'post'>;

/** The body of POST /licenses/bulk, and what it did. */
export type LicenseBulkInput = Body<'/api/v1/licenses/bulk', 'post'>;
export type LicenseBulkResult = Reply<'/api/v1/licenses/bulk', 'post'>;

export type LeaseState = Wire['Lease']['state'];
const LEASE_STATE_SET: Record<LeaseState, true> = { active: true, released: true, superseded: true, expired: true, revoked: true };
export const LEASE_STATES = Object.keys(LEASE_STATE_SET) as LeaseState[];

export type Lease = Wire['Lease'];

/** The answer to releasing a lease: the lease, and how many leases of its seat ended with it. */
export type LeaseRelease = Wire['LeaseRelease'];

export type UsageRange = NonNullable<NonNullable<paths['/api/v1/usage']['get']['parameters']['query']>['range']>;

export type LicenseUsage = Wire['LicenseUsage'];
export type OrganizationUsage = Wire['OrganizationUsage'];
export type Dashboard = Wire['Dashboard'];

/** `createdBy`: the user the token acts for (never with more rights than they have now); null: made by the operator with the CLI. */
export type ApiToken = Wire['ApiToken'];
export type CreatedApiToken = Wire['CreatedApiToken'];

/**
 * An audit event. The API documents `before` and `after` as any JSON; they are the resource as
 * the API showed it before and after the change, or null.
 */
export interface AuditEvent extends Omit<Wire['AuditEvent'], 'before' | 'after'> {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

type AuditReply = paths['/api/v1/audit']['get']['responses'][200]['content']['application/json'];
/** A record an audit page names (target, actor, an id in the values): its name now, or its last name once deleted. */
export type AuditReference = AuditReply['references'][number];
/** A page of the audit log, with the names of the records it refers to. */
export interface AuditPage extends Omit<AuditReply, 'items'> {
  items: AuditEvent[];
}
