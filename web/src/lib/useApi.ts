import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { type ApiError } from '../api/client';

export interface ApiData<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  /** True while a request is in flight (the previous data stays shown meanwhile). */
  loading: boolean;
  reload: () => void;
  setData: (update: T | ((current: T | undefined) => T | undefined)) => void;
}

interface Settled<T> {
  /** The request these results answer; `loading` is a newer request still running. */
  request: number;
  data: T | undefined;
  error: ApiError | Error | undefined;
}

const sameValues = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((value, i) => Object.is(value, b[i]));

/**
 * Loads data with `fetcher` whenever `deps` change, aborting the previous request. Keeps the last
 * data while a new request runs, so pages and filters switch without flashing.
 *
 * `deps` are compared value by value at each render: a change (or `reload`) numbers a new
 * request, and the effect depends on that number alone, so callers may pass an inline fetcher.
 */
export function useApi<T>(fetcher: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): ApiData<T> {
  const [request, setRequest] = useState({ deps, number: 0 });
  let current = request.number;
  if (!sameValues(request.deps, deps)) {
    // Adjusting state while rendering: React renders again at once, before any effect runs.
    current = request.number + 1;
    setRequest({ deps, number: current });
  }
  const [settled, setSettled] = useState<Settled<T>>({ request: -1, data: undefined, error: undefined });
  const load = useEffectEvent((signal: AbortSignal) => fetcher(signal));

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setSettled({ request: current, data, error: undefined });
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        const aborted = (err as { name?: string })?.name === 'AbortError';
        setSettled((previous) => ({
          request: current,
          data: previous.data,
          error: aborted ? previous.error : err instanceof Error ? err : new Error(String(err)),
        }));
      },
    );
    return () => controller.abort();
  }, [current]);

  const reload = useCallback(() => setRequest((r) => ({ deps: r.deps, number: r.number + 1 })), []);
  const setData = useCallback((update: T | ((current: T | undefined) => T | undefined)) => {
    setSettled((s) => ({ ...s, data: typeof update === 'function' ? (update as (c: T | undefined) => T | undefined)(s.data) : update }));
  }, []);

  return { data: settled.data, error: settled.error, loading: settled.request !== current, reload, setData };
}
