import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';

dayjs.extend(relativeTime);

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const d = dayjs(value);
  return d.isValid() ? d.format('YYYY-MM-DD HH:mm') : value;
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const d = dayjs(value);
  return d.isValid() ? d.format('YYYY-MM-DD') : value;
}

export function fromNow(value: string | null | undefined): string {
  if (!value) return '—';
  const d = dayjs(value);
  return d.isValid() ? d.fromNow() : value;
}

/** Whether `value` is at or before `now` (useNow in a component). */
export function isPast(value: string | null | undefined, now: number): boolean {
  return !!value && Date.parse(value) <= now;
}

/** A date picked in a form (`YYYY-MM-DD`, local) → the end of that day, as an ISO date-time. */
export function endOfLocalDay(date: string): string {
  return dayjs(date).endOf('day').toDate().toISOString();
}

/** An ISO date-time → the local date `YYYY-MM-DD` a date input shows. */
export function localDateOf(iso: string | null): string | null {
  if (!iso) return null;
  const d = dayjs(iso);
  return d.isValid() ? d.format('YYYY-MM-DD') : null;
}

export function formatLimit(limit: number | null): string {
  return limit === null ? 'Unlimited' : String(limit);
}

/** Empty text → null, for optional text fields. */
export function orNull(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** X-axis tick of a usage chart: the hour for a day, the date for a month. */
export function formatUsageTick(at: string, range: '24h' | '30d'): string {
  return dayjs(at).format(range === '24h' ? 'HH:mm' : 'MMM D');
}

/** A moment's local time of day with seconds (`18:05:09`), for "updated at". */
export function formatClockTime(ms: number): string {
  return dayjs(ms).format('HH:mm:ss');
}

/** A UTC offset in minutes east (as `-Date#getTimezoneOffset()`) as a zone: `UTC`, `UTC+1`, `UTC-3:30`. */
export function zoneOf(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'UTC';
  const abs = Math.abs(offsetMinutes);
  const minutes = abs % 60;
  return `UTC${offsetMinutes > 0 ? '+' : '-'}${Math.floor(abs / 60)}${minutes ? `:${String(minutes).padStart(2, '0')}` : ''}`;
}

/** A moment in the viewer's time, with the zone it is in: `4 Dec 2026, 18:05 UTC+1`. */
export function formatLocalTime(value: string | null | undefined): string {
  if (!value) return '—';
  const d = dayjs(value);
  return d.isValid() ? `${d.format('D MMM YYYY, HH:mm')} ${zoneOf(-d.toDate().getTimezoneOffset())}` : value;
}

/** A local date (`YYYY-MM-DD`) → the start of that day, as an ISO date-time; `nextDay` gives the start of the day after. */
export function startOfLocalDay(date: string, nextDay = false): string {
  const start = dayjs(date).startOf('day');
  return (nextDay ? start.add(1, 'day') : start).toDate().toISOString();
}
