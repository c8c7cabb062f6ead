/*
 * Waiting in tests: for an event, never for a length of time. A deadline only turns a hang into a
 * failure, so it is generous (two busy cores start a Node process, bundle the sources on the first
 * start and migrate a database in seconds), and the failure says what was awaited and what was seen.
 * Imports nothing from src/: the client's and the browser tests load it too.
 */

/** Longest any single wait in a test may take before it fails as a hang. */
export const HANG_MS = 120_000;

export interface WaitOptions {
  /** Fail after so many milliseconds; HANG_MS unless told. */
  timeoutMs?: number;
  /** Pause between two probes. */
  intervalMs?: number;
  /** What to add to the failure message: a process's output, a log. */
  diagnostics?: () => string;
}

/**
 * Probes until `probe` gives a value other than undefined or false, and resolves with it; a probe
 * that throws ends the wait with its error (a process that exited will not become ready).
 */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, options: WaitOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? HANG_MS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe(options.diagnostics)}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}

/** Resolves as `promise` does, or rejects once `timeoutMs` passed without it settling. */
export async function within<T>(what: string, promise: Promise<T>, options: Omit<WaitOptions, 'intervalMs'> = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? HANG_MS;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe(options.diagnostics)}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(diagnostics: (() => string) | undefined): string {
  const text = diagnostics?.();
  return text ? `\n${text}` : '';
}
