import { http, request, type QueryValue } from './client';
import type {
  ApiToken,
  AuditPage,
  CreatedApiToken,
  Customer,
  Dashboard,
  Feature,
  Lease,
  LeaseRelease,
  LeaseState,
  License,
  LicenseBulkInput,
  LicenseBulkResult,
  LicenseInput,
  LicenseUsage,
  Organization,
  OrganizationUsage,
  Page,
  PageParams,
  Product,
  Role,
  Session,
  SigningAlgorithm,
  UsageRange,
  User,
} from './types';

const id = (value: string) => encodeURIComponent(value);

type Query = Record<string, QueryValue>;
const list = <T>(path: string, query: Query = {}, signal?: AbortSignal) => http.get<Page<T>>(path, query, signal);

/** The largest page the server hands out. */
export const MAX_PAGE = 200;

/** Reads every page of a list (for small catalogs such as products and features). */
export async function fetchAll<T>(fetchPage: (page: Required<PageParams>) => Promise<Page<T>>, cap = 10_000): Promise<T[]> {
  const items: T[] = [];
  for (let offset = 0; offset < cap; offset += MAX_PAGE) {
    const page = await fetchPage({ limit: MAX_PAGE, offset });
    items.push(...page.items);
    if (page.items.length < MAX_PAGE || items.length >= page.total) break;
  }
  return items;
}

export interface CustomerInput {
  name: string;
  contactName?: string | null;
  contactEmail?: string | null;
  phone?: string | null;
  comment?: string | null;
}

/** A list's order: a sortable column of that list and the direction (the server refuses another column). */
export interface SortParams {
  sort?: string;
  order?: 'asc' | 'desc';
}

export interface LicenseFilters extends PageParams, SortParams {
  q?: string;
  customerId?: string;
  productId?: string;
  featureId?: string;
  expired?: boolean;
  atLimit?: boolean;
  /** The dashboard's cards: expiring within this many days, with an active lease, refused an obtain in the last 24 hours. */
  expiringWithinDays?: number;
  inUse?: boolean;
  refusedLast24h?: boolean;
}

export interface AuditFilters extends PageParams, SortParams {
  resourceType?: string;
  action?: string;
  actor?: string;
  /** ISO date-times: entries at or after `from`, before `to`. */
  from?: string;
  to?: string;
}

export const api = {
  session: {
    get: (signal?: AbortSignal) => request<Session>('/session', { signal, noAuthRedirect: true }),
    signIn: (username: string, password: string) => request<Session>('/session', { method: 'POST', body: { username, password }, noAuthRedirect: true }),
    signOut: () => request<void>('/session', { method: 'DELETE', noAuthRedirect: true }),
    changePassword: (currentPassword: string, newPassword: string) => http.put<void>('/session/password', { currentPassword, newPassword }),
  },

  organization: {
    get: (signal?: AbortSignal) => http.get<Organization>('/organization', undefined, signal),
    update: (patch: { name?: string; signingAlgorithm?: SigningAlgorithm }) => http.patch<Organization>('/organization', patch),
    rotateKey: () => http.post<Organization | undefined>('/organization/signing-keys/rotate'),
  },

  products: {
    list: (query: PageParams & { q?: string } = {}, signal?: AbortSignal) => list<Product>('/products', { ...query }, signal),
    all: () => fetchAll((page) => list<Product>('/products', page)),
    get: (productId: string, signal?: AbortSignal) => http.get<Product>(`/products/${id(productId)}`, undefined, signal),
    create: (body: { name: string; description?: string | null }) => http.post<Product>('/products', body),
    update: (productId: string, body: { name?: string; description?: string | null }) => http.patch<Product>(`/products/${id(productId)}`, body),
    remove: (productId: string) => http.delete(`/products/${id(productId)}`),
  },

  features: {
    list: (query: PageParams & { productId?: string; q?: string } = {}, signal?: AbortSignal) => list<Feature>('/features', { ...query }, signal),
    all: () => fetchAll((page) => list<Feature>('/features', page)),
    ofProduct: (productId: string) => fetchAll((page) => list<Feature>(`/products/${id(productId)}/features`, page)),
    get: (featureId: string) => http.get<Feature>(`/features/${id(featureId)}`),
    create: (productId: string, body: { name: string; description?: string | null }) => http.post<Feature>(`/products/${id(productId)}/features`, body),
    update: (featureId: string, body: { name?: string; description?: string | null }) => http.patch<Feature>(`/features/${id(featureId)}`, body),
    remove: (featureId: string) => http.delete(`/features/${id(featureId)}`),
  },

  customers: {
    /** `q`: any part of the name; `name`: the whole name, in any case. */
    list: (query: PageParams & SortParams & { q?: string; name?: string } = {}, signal?: AbortSignal) => list<Customer>('/customers', { ...query }, signal),
    get: (customerId: string, signal?: AbortSignal) => http.get<Customer>(`/customers/${id(customerId)}`, undefined, signal),
    create: (body: CustomerInput) => http.post<Customer>('/customers', body),
    update: (customerId: string, body: Partial<CustomerInput>) => http.patch<Customer>(`/customers/${id(customerId)}`, body),
    remove: (customerId: string) => http.delete(`/customers/${id(customerId)}`),
  },

  licenses: {
    list: (filters: LicenseFilters = {}, signal?: AbortSignal) => list<License>('/licenses', { ...filters }, signal),
    get: (licenseId: string, signal?: AbortSignal) => http.get<License>(`/licenses/${id(licenseId)}`, undefined, signal),
    create: (body: LicenseInput) => http.post<License>('/licenses', body),
    update: (licenseId: string, body: Partial<LicenseInput>) => http.patch<License>(`/licenses/${id(licenseId)}`, body),
    remove: (licenseId: string) => http.delete(`/licenses/${id(licenseId)}`),
    bulk: (body: LicenseBulkInput) => http.post<LicenseBulkResult>('/licenses/bulk', body),
    leases: (licenseId: string, query: PageParams & SortParams & { state?: LeaseState } = {}, signal?: AbortSignal) => list<Lease>(`/licenses/${id(licenseId)}/leases`, { ...query }, signal),
    usage: (licenseId: string, range: UsageRange, signal?: AbortSignal) => http.get<LicenseUsage>(`/licenses/${id(licenseId)}/usage`, { range }, signal),
  },

  leases: {
    release: (leaseId: string) => http.post<LeaseRelease | undefined>(`/leases/${id(leaseId)}/release`),
  },

  dashboard: {
    get: (signal?: AbortSignal) => http.get<Dashboard>('/dashboard', undefined, signal),
    usage: (range: UsageRange, signal?: AbortSignal) => http.get<OrganizationUsage>('/usage', { range }, signal),
  },

  users: {
    list: (query: PageParams = {}, signal?: AbortSignal) => list<User>('/users', { ...query }, signal),
    create: (body: { username: string; displayName: string; email?: string | null; role: Role; password: string }) => http.post<User>('/users', body),
    update: (userId: string, body: { displayName?: string; email?: string | null; role?: Role }) => http.patch<User>(`/users/${id(userId)}`, body),
    remove: (userId: string) => http.delete(`/users/${id(userId)}`),
    resetPassword: (userId: string, password: string) => http.post<void>(`/users/${id(userId)}/password`, { password }),
  },

  tokens: {
    /** GET /tokens answers every token at once, as `{ items }` without paging fields: paged here. */
    list: async (query: PageParams = {}, signal?: AbortSignal): Promise<Page<ApiToken>> => {
      const { items } = await http.get<{ items: ApiToken[] }>('/tokens', undefined, signal);
      const offset = query.offset ?? 0;
      const limit = query.limit ?? MAX_PAGE;
      return { items: items.slice(offset, offset + limit), total: items.length, limit, offset };
    },
    create: (body: { name: string; role: Role; expiresAt?: string | null }) => http.post<CreatedApiToken>('/tokens', body),
    remove: (tokenId: string) => http.delete(`/tokens/${id(tokenId)}`),
  },

  audit: {
    list: (filters: AuditFilters = {}, signal?: AbortSignal) => http.get<AuditPage>('/audit', { ...filters }, signal),
  },
};

/** Customer look-ups by id, shared by the screens that show a license's customer by name. */
const customerCache = new Map<string, Promise<Customer | null>>();

export function customerById(customerId: string): Promise<Customer | null> {
  let cached = customerCache.get(customerId);
  if (!cached) {
    cached = api.customers.get(customerId).catch(() => {
      customerCache.delete(customerId);
      return null;
    });
    customerCache.set(customerId, cached);
  }
  return cached;
}

export function rememberCustomer(customer: Customer): void {
  customerCache.set(customer.id, Promise.resolve(customer));
}

export function forgetCustomer(customerId?: string): void {
  if (customerId) customerCache.delete(customerId);
  else customerCache.clear();
}
