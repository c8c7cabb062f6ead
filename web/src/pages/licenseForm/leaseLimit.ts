/** The largest lease limit the server takes. */
export const MAX_LEASE_LIMIT = 1_000_000_000;

/**
 * Why the lease limit as typed is refused; null when it is empty (unlimited) or a whole number
 * from 1 to MAX_LEASE_LIMIT. Nothing is rounded or clamped: -5, 0, 2.5 and 99999999999999 are
 * errors for the person to correct, not values to change behind their back.
 */
export function leaseLimitError(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (!/^[-+]?\d+(\.\d+)?$/.test(trimmed)) return 'Enter a number of leases, such as 5, or leave empty for unlimited';
  const n = Number(trimmed);
  if (!Number.isInteger(n)) return 'Enter a whole number of leases';
  if (n < 1) return 'The limit must be at least 1; leave it empty for unlimited';
  if (n > MAX_LEASE_LIMIT) return `The limit can be at most ${MAX_LEASE_LIMIT.toLocaleString('en-US')}; leave it empty for unlimited`;
  return null;
}

/** The limit to send: null for empty (unlimited); only called once `leaseLimitError` passed. */
export function leaseLimitOf(text: string): number | null {
  return text.trim() === '' ? null : Number(text.trim());
}
