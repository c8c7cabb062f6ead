/**
 * A fake admin API for component tests: stubs `globalThis.fetch` with a vi.fn that answers
 * `METHOD /path` routes (paths relative to /api/v1, without the query string) and records every
 * request. Unknown routes answer 404 the way the server does.
 */
import { vi, type Mock } from 'vitest';
import { API_BASE } from '../api/client';

export interface MockRequest {
  method: string;
  /** Path under /api/v1, e.g. `/customers/cust-1`. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** The parsed JSON body, if any. */
  body: unknown;
  url: string;
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = Reply | ((request: MockRequest) => Reply | Promise<Reply>);

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const created = (body: unknown): Reply => ({ status: 201, body });
export const noContent = (): Reply => ({ status: 204 });
export function apiError(status: number, code: string, message: string, details?: { field: string; message: string }[], headers?: Record<string, string>): Reply {
  return { status, body: { error: { code, message, ...(details ? { details } : {}) } }, headers };
}

export interface FakeApi {
  fetch: Mock<typeof fetch>;
  requests: MockRequest[];
  /** Requests to `METHOD /path`. */
  calls: (route: string) => MockRequest[];
  /** Adds or replaces a route. */
  on: (route: string, handler: Handler) => void;
}

function routeOf(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

/** Stubs fetch with the given routes (`'GET /customers': ok(page([...]))`). */
export function mockApi(routes: Record<string, Handler> = {}): FakeApi {
  const table = new Map(Object.entries(routes).map(([route, handler]) => [route.replace(/\s+/, ' '), handler]));
  const requests: MockRequest[] = [];

  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (init?.signal?.aborted) throw new DOMException('The operation was aborted.', 'AbortError');
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, 'http://localhost');
    const method = (init?.method ?? 'GET').toUpperCase();
    const path = url.pathname.startsWith(API_BASE) ? url.pathname.slice(API_BASE.length) : url.pathname;
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    const request: MockRequest = {
      method,
      path,
      query: url.searchParams,
      headers,
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
      url: url.pathname + url.search,
    };
    requests.push(request);
    const handler = table.get(routeOf(method, path));
    const reply: Reply = handler === undefined ? apiError(404, 'NOT_FOUND', `no route ${method} ${url.pathname}`) : typeof handler === 'function' ? await handler(request) : handler;
    const status = reply.status ?? 200;
    const text = reply.body === undefined || status === 204 ? null : JSON.stringify(reply.body);
    return new Response(text, {
      status,
      headers: { ...(text !== null ? { 'content-type': 'application/json' } : {}), ...reply.headers },
    });
  });

  vi.stubGlobal('fetch', fetchMock);
  return {
    fetch: fetchMock,
    requests,
    calls: (route) => requests.filter((r) => routeOf(r.method, r.path) === route.replace(/\s+/, ' ')),
    on: (route, handler) => table.set(route.replace(/\s+/, ' '), handler),
  };
}
