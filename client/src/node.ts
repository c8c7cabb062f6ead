// Everything Node.js-only goes through here, behind a check, so the same build runs in browsers
// and bundles without Node built-ins: no static import of node:*, only a dynamic one by a name the
// bundler does not see.

/** The part of Node's `process` the library uses. */
export interface NodeProcess {
  pid: number;
  platform: string;
  versions: { node?: string };
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
  listenerCount(event: string): number;
  kill(pid: number, signal?: string): unknown;
}

/** Node's process object, or undefined in a browser (or a browser-like renderer without Node). */
export function nodeProcess(): NodeProcess | undefined {
  const candidate = (globalThis as { process?: Partial<NodeProcess> }).process;
  if (!candidate || typeof candidate.on !== 'function' || typeof candidate.kill !== 'function') return undefined;
  if (typeof candidate.versions?.node !== 'string') return undefined;
  return candidate as NodeProcess;
}

/** A Node built-in module, or undefined outside Node or when it cannot be loaded. */
export async function importNodeModule<T>(name: `node:${string}`): Promise<T | undefined> {
  if (!nodeProcess()) return undefined;
  try {
    const specifier: string = name;
    return (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as T;
  } catch {
    return undefined;
  }
}
