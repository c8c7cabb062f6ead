import type { Clock } from './clock.js';
import { LICENSING_ERROR_CODES, type LicensingErrorCode, type Unavailable } from './types.js';

/** What the library needs of `fetch`; the global fetch of Node 18+, browsers and Electron fits. */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal; redirect?: 'follow' }) => Promise<FetchResponseLike>;

export interface FetchResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export interface CallOptions {
  /** Gives up on this call after so many milliseconds (an Unavailable with reason "timeout"). */
  timeoutMs?: number;
  /** Aborts the call (an Unavailable with reason "network"). */
  signal?: AbortSignal;
}

/** The outcome of one HTTP call to the licensing API, before it is shaped for its method. */
export type RawOutcome =
  { kind: 'ok'; status: number; body: Record<string, unknown> } | { kind: 'denied'; status: number; errorCode: LicensingErrorCode; message: string; body: Record<string, unknown> } | Unavailable;

export function unavailable(reason: Unavailable['reason'], message: string, extra: Partial<Unavailable> = {}): Unavailable {
  const { cause, ...rest } = extra;
  const outcome: Unavailable = { ok: false, kind: 'unavailable', reason, status: null, retryAfterMs: null, message, ...rest };
  // Not enumerable: an outcome stays plain data that logs and serializes (fetch errors hold sockets).
  if (cause !== undefined) Object.defineProperty(outcome, 'cause', { value: cause, enumerable: false, writable: true, configurable: true });
  return outcome;
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d{1,9}$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

const KNOWN = new Set<string>(LICENSING_ERROR_CODES);

export interface HttpContext {
  fetch: FetchLike;
  clock: Clock;
  timeoutMs: number;
}

function isAbort(error: unknown): boolean {
  return typeof error === 'object' && error !== null && ((error as { name?: unknown }).name === 'AbortError' || (error as { name?: unknown }).name === 'TimeoutError');
}

/**
 * One call: GET with a query string or POST with a JSON body. Classifies the reply so that only a
 * licensing API answer (200 with the success flag, or 400..409 with a known error code) is ever
 * read as a verdict; everything else is Unavailable.
 */
export async function call(
  ctx: HttpContext,
  method: 'GET' | 'POST',
  url: string,
  params: Record<string, string | number | null | undefined>,
  flag: 'isValid' | 'success',
  options: CallOptions = {},
): Promise<RawOutcome> {
  const defined = Object.entries(params).filter((e): e is [string, string | number | null] => e[1] !== undefined);
  let target = url;
  let body: string | undefined;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method === 'GET') {
    const query = new URLSearchParams(defined.filter((e): e is [string, string | number] => e[1] !== null).map(([k, v]) => [k, String(v)]));
    target = `${url}?${query.toString()}`;
  } else {
    body = JSON.stringify(Object.fromEntries(defined));
    headers['content-type'] = 'application/json';
  }

  const controller = new AbortController();
  let timedOut = false;
  const timeoutMs = options.timeoutMs ?? ctx.timeoutMs;
  // Request timeouts are about real sockets, so they always run on real time.
  const timer: unknown = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  (timer as { unref?: () => void }).unref?.();
  const onAbort = () => controller.abort();
  if (options.signal?.aborted) controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  let status: number;
  let text: string;
  let retryAfterMs: number | null;
  try {
    const response = await ctx.fetch(target, { method, headers, body, signal: controller.signal, redirect: 'follow' });
    status = response.status;
    retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), ctx.clock.now());
    text = await response.text();
  } catch (error) {
    if (timedOut) return unavailable('timeout', `no answer from the licensing server within ${timeoutMs} ms`, { cause: error });
    const detail = error instanceof Error ? error.message : String(error);
    return unavailable('network', isAbort(error) ? 'the call was aborted' : `the licensing server could not be reached: ${detail}`, { cause: error });
  } finally {
    clearTimeout(timer as number);
    options.signal?.removeEventListener('abort', onAbort);
  }

  if (status >= 500 || status === 429 || status === 408) {
    return unavailable('server', `the licensing server answered ${status}; retry later`, { status, retryAfterMs });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const reply = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  const errorCode = reply?.errorCode;
  if (reply && status >= 400 && status <= 409 && typeof errorCode === 'string' && KNOWN.has(errorCode)) {
    const message = typeof reply.message === 'string' ? reply.message : errorCode;
    return { kind: 'denied', status, errorCode: errorCode as LicensingErrorCode, message, body: reply };
  }
  if (reply && status === 200 && reply[flag] === true) return { kind: 'ok', status, body: reply };
  return unavailable('protocol', `unexpected reply from the licensing endpoint (HTTP ${status}); is the endpoint URL right?`, { status, retryAfterMs });
}
