/**
 * The one form of a username that uniqueness, sign-in and the sign-in throttle compare: NFKC
 * (full-width and other compatibility forms become their plain letters) then lower case. Two
 * names with the same key are the same name: `ADMIN` cannot be created beside `admin`, and either
 * spelling signs in to the one account.
 */
export function usernameKey(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}
