import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useApi } from './useApi';

/** A fetcher whose calls the test answers one by one. */
function controlledFetcher<T>() {
  const calls: { arg: string; signal: AbortSignal; resolve: (value: T) => void; reject: (error: unknown) => void }[] = [];
  const fetcher = (arg: string) => (signal: AbortSignal) =>
    new Promise<T>((resolve, reject) => {
      calls.push({ arg, signal, resolve, reject });
    });
  return { calls, fetcher };
}

describe('useApi', () => {
  it('loads once for the same dependencies, however often the page renders', async () => {
    const { calls, fetcher } = controlledFetcher<string>();
    const { result, rerender } = renderHook(({ id }) => useApi(fetcher(id), [id]), { initialProps: { id: 'a' } });
    expect(result.current.loading).toBe(true);
    rerender({ id: 'a' });
    rerender({ id: 'a' });
    expect(calls).toHaveLength(1);
    await act(async () => calls[0]!.resolve('data of a'));
    expect(result.current).toMatchObject({ data: 'data of a', loading: false, error: undefined });
  });

  it('aborts the previous request when the dependencies change, keeping its data shown meanwhile', async () => {
    const { calls, fetcher } = controlledFetcher<string>();
    const { result, rerender } = renderHook(({ id }) => useApi(fetcher(id), [id]), { initialProps: { id: 'a' } });
    await act(async () => calls[0]!.resolve('data of a'));

    rerender({ id: 'b' });
    expect(calls.map((c) => c.arg)).toEqual(['a', 'b']);
    expect(result.current).toMatchObject({ data: 'data of a', loading: true });
    rerender({ id: 'c' });
    expect(calls[1]!.signal.aborted).toBe(true);
    // An answer to an aborted request changes nothing.
    await act(async () => calls[1]!.resolve('data of b'));
    expect(result.current).toMatchObject({ data: 'data of a', loading: true });
    await act(async () => calls[2]!.resolve('data of c'));
    expect(result.current).toMatchObject({ data: 'data of c', loading: false });
  });

  it('reports a failure, keeps the last data, and loads again on reload', async () => {
    const { calls, fetcher } = controlledFetcher<string>();
    const { result } = renderHook(() => useApi(fetcher('a'), ['a']));
    await act(async () => calls[0]!.resolve('first'));
    act(() => result.current.reload());
    expect(calls).toHaveLength(2);
    expect(result.current.loading).toBe(true);
    await act(async () => calls[1]!.reject(new Error('the server cannot reach its database')));
    expect(result.current).toMatchObject({ data: 'first', loading: false });
    expect(result.current.error?.message).toBe('the server cannot reach its database');

    act(() => result.current.reload());
    await act(async () => calls[2]!.resolve('second'));
    expect(result.current).toMatchObject({ data: 'second', loading: false, error: undefined });
  });

  it('lets the page replace the data without loading', async () => {
    const { calls, fetcher } = controlledFetcher<number>();
    const { result } = renderHook(() => useApi(fetcher('n'), []));
    await act(async () => calls[0]!.resolve(1));
    act(() => result.current.setData((n) => (n ?? 0) + 1));
    expect(result.current).toMatchObject({ data: 2, loading: false });
    expect(calls).toHaveLength(1);
  });

  it('aborts the request in flight when the page goes away', () => {
    const { calls, fetcher } = controlledFetcher<string>();
    const { unmount } = renderHook(() => useApi(fetcher('a'), []));
    unmount();
    expect(calls[0]!.signal.aborted).toBe(true);
  });
});
