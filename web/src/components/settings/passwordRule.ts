/** A password the server accepts: 10 to 200 characters. */
export const passwordRule = (v: string) => (v.length < 10 ? 'Use at least 10 characters' : v.length > 200 ? 'Use at most 200 characters' : null);
