/**
 * A calendar date typed as `YYYY-MM-DD`, read strictly: 2027-06-31 and 2027-13-01 are no dates,
 * where a lenient parser would roll them over to 2027-07-01 and 2028-01-01 without a word.
 */
export function calendarDate(text: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return null;
  // Day 0 of the next month is the last day of this one.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth ? `${match[1]}-${match[2]}-${match[3]}` : null;
}

/** Why `text` is not a date, for the field's error; null when it is one (or empty). */
export function calendarDateError(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '' || calendarDate(trimmed)) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return 'Enter the date as YYYY-MM-DD, such as 2027-06-30';
  return `${trimmed} is not a date: check the month and the day`;
}
