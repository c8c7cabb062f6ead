/**
 * A small typed fetch client for the admin API under /api/v1.
 *
 * - Cookie auth (`credentials: 'same-origin'`), JSON in and out.
 * - Every request that is not a GET or HEAD carries `X-CSRF-Token` with the session's token, which
 *   is kept in memory only (it is re-read from `GET /api/v1/session` after a reload).
 * - Errors become an {@link ApiError} carrying the status, the server's code and field details.
 * - A 401 calls the registered unauthorized handler (the session context sends the user to /login).
 */

export const API_BASE = '/api/v1';

export interface FieldError {
  field: string;
  message: string;
}

/** The licenses a refusal is about (`error.related`), and the license list's query that shows them. */
export interface RelatedLicenses {
  licenses: number;
  filter: Record<string, string>;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldError[] = [],
    /** Seconds to wait, from a Retry-After header (429, 503). */
    readonly retryAfter?: number,
    /** A conflict caused by licenses: which ones, to link to them. */
    readonly related?: RelatedLicenses,
  ) {
    super(message);
  }

  /**
   * Field errors keyed by form field: `body.name` → `name`, `body.keys.0` → `keys.0`,
   * `query.limit` → `limit`. The first message of a field wins.
   */
  fieldErrors(): Record<string, string> {
    const errors: Record<string, string> = {};
    for (const detail of this.details) {
      const field = formFieldOf(detail.field);
      if (field && !(field in errors)) errors[field] = detail.message;
    }
    return errors;
  }
}

/** `body.name` → `name`; `body.keys.0` → `keys.0`; `body` alone → ''. */
export function formFieldOf(serverField: string): string {
  return serverField.replace(/^(body|query|params|querystring|headers)(\.|$)/, '').replace(/^\./, '');
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** A readable message for anything thrown by the client (or elsewhere). */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

let csrfToken: string | null = null;
let unauthorizedHandler: ((error: ApiError) => void) | null = null;
let csrfRefresher: (() => Promise<string | null>) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function getCsrfToken(): string | null {
  return csrfToken;
}

/** Called with the error whenever a request answers 401 (unless the request opted out). */
export function setUnauthorizedHandler(handler: ((error: ApiError) => void) | null): void {
  unauthorizedHandler = handler;
}

/** How to get a fresh CSRF token when a write answers 403 CSRF_FAILED (retried once). */
export function setCsrfRefresher(refresher: (() => Promise<string | null>) | null): void {
  csrfRefresher = refresher;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** Do not call the unauthorized handler on 401 (the session calls handle it themselves). */
  noAuthRedirect?: boolean;
}

export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

function retryAfterOf(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, Math.ceil((date - Date.now()) / 1000)) : undefined;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toApiError(response: Response, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown; related?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`;
  const message = typeof error?.message === 'string' && error.message ? error.message : response.statusText || `the server answered ${response.status}`;
  const details = Array.isArray(error?.details)
    ? (error.details as unknown[]).filter((d): d is FieldError => typeof d === 'object' && d !== null && typeof (d as FieldError).field === 'string' && typeof (d as FieldError).message === 'string')
    : [];
  return new ApiError(response.status, code, message, details, retryAfterOf(response), relatedOf(error?.related));
}

function relatedOf(related: unknown): RelatedLicenses | undefined {
  if (typeof related !== 'object' || related === null) return undefined;
  const { licenses, filter } = related as { licenses?: unknown; filter?: unknown };
  if (typeof licenses !== 'number' || typeof filter !== 'object' || filter === null) return undefined;
  const entries = Object.entries(filter).filter((e): e is [string, string] => typeof e[1] === 'string');
  return { licenses, filter: Object.fromEntries(entries) };
}

/** The license list that shows the licenses a refusal is about: `/licenses?productId=...`. */
export function relatedLicensesPath(related: RelatedLicenses): string {
  return `/licenses?${new URLSearchParams(related.filter).toString()}`;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  try {
    return await fetch(buildUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as { name?: string })?.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK_ERROR', 'The server cannot be reached. Check your connection and try again.');
  }
}

/** Sends one request to the admin API and returns its JSON reply (undefined for 204). */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  let response = await send(path, options);
  let body = await readBody(response);
  if (response.status === 403 && (body as { error?: { code?: string } })?.error?.code === 'CSRF_FAILED' && csrfRefresher) {
    // The token may be stale (another tab signed in again): fetch the current one and retry once.
    const fresh = await csrfRefresher().catch(() => null);
    if (fresh) {
      csrfToken = fresh;
      response = await send(path, options);
      body = await readBody(response);
    }
  }
  if (!response.ok) {
    const error = toApiError(response, body);
    if (response.status === 401 && !options.noAuthRedirect) unauthorizedHandler?.(error);
    throw error;
  }
  return body as T;
}

export const http = {
  get: <T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal) => request<T>(path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>(path, { method: 'POST', body }),
  put: <T>(path: string, body?: unknown) => request<T>(path, { method: 'PUT', body }),
  patch: <T>(path: string, body?: unknown) => request<T>(path, { method: 'PATCH', body }),
  delete: <T = void>(path: string) => request<T>(path, { method: 'DELETE' }),
};
