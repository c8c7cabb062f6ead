import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';

export interface ApiData<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  /** True while a request is in flight (the previous data stays shown meanwhile). */
  loading: boolean;
  reload: () => void;
  setData: (update: T | ((current: T | undefined) => T | undefined)) => void;
}

/**
 * Loads data with `fetcher` whenever `deps` change, aborting the previous request. Keeps the last
 * data while a new request runs, so pages and filters switch without flashing.
 */
export function useApi<T>(fetcher: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): ApiData<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    fetcherRef
      .current(controller.signal)
      .then((result) => {
        if (controller.signal.aborted) return;
        setDataState(result);
        setError(undefined);
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted || (err as { name?: string })?.name === 'AbortError') return;
        setError(err instanceof Error ? err : new Error(String(err)));
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const setData = useCallback((update: T | ((current: T | undefined) => T | undefined)) => {
    setDataState((current) => (typeof update === 'function' ? (update as (c: T | undefined) => T | undefined)(current) : update));
  }, []);

  return { data, error, loading, reload, setData };
}
