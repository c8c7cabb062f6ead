import { endOfLocalDay } from '../../lib/format';

/** The furthest ahead the server accepts a token's expiry. */
export const MAX_TOKEN_DAYS = 730;
const DAY_MS = 86_400_000;

export type ExpiryChoice = '30' | '90' | '365' | 'date' | 'never';

export const EXPIRY_OPTIONS: { value: ExpiryChoice; label: string }[] = [
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: 'date', label: 'On a date…' },
  { value: 'never', label: 'Never' },
];

/** The expiry to send for a choice made at `now`: an ISO time, or null for never. A date ends at the end of that day, your time. */
export function expiresAtOf(choice: ExpiryChoice, date: string | null, now: number): string | null {
  if (choice === 'never') return null;
  if (choice === 'date') return date ? endOfLocalDay(date) : null;
  return new Date(now + Number(choice) * DAY_MS).toISOString();
}

/** Why a picked date cannot be the expiry, or null. */
export function expiryDateError(choice: ExpiryChoice, date: string | null, now: number): string | null {
  if (choice !== 'date') return null;
  if (!date) return 'Pick the last day the token works';
  const end = Date.parse(endOfLocalDay(date));
  if (end <= now) return 'Pick a day in the future';
  if (end > now + MAX_TOKEN_DAYS * DAY_MS) return `At most ${MAX_TOKEN_DAYS} days ahead`;
  return null;
}
