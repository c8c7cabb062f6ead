/**
 * The one form of a product, feature or customer name that uniqueness, the exact-name filter and
 * search compare: NFKC (full-width and other compatibility forms become their plain letters), the
 * spaces around it dropped, then lower case. Computed here rather than by SQL's lower(), which
 * folds only ASCII on SQLite and all of Unicode on PostgreSQL: both databases compare the same
 * stored text.
 */
export function nameKey(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase();
}

/** Key codes that differ only in case are one code: the licensing API accepts any case. */
export function keyCodeFold(code: string): string {
  return code.normalize('NFKC').toUpperCase();
}

/** What key search compares: the code in upper case with only its letters and digits (no dashes, no spaces). */
export function keySearchForm(text: string): string {
  return text
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}
