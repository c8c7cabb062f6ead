/**
 * An email address as the server takes it (its `email` format): something, an @, and a domain with
 * a dot. `a@b` is refused on both sides: a mail to a bare host name reaches no one outside it.
 */
export const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** The form's check of an optional email field. */
export const emailError = (value: string) => (!value.trim() || EMAIL.test(value.trim()) ? null : 'Enter an email address such as name@example.com');
