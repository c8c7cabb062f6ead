/** The licenses a refusal is about, as the license list finds them (`GET /licenses?productId=...`). */
export interface RelatedLicenses {
  licenses: number;
  filter: { productId: string } | { featureId: string } | { customerId: string };
}

/** Thrown by the store when a change would break a rule the database enforces (a duplicate name, a row in use). */
export class ConflictError extends Error {
  constructor(
    message: string,
    /** The licenses that stand in the way, for a link to them: how many, and the license list's filter that shows them. */
    readonly related?: RelatedLicenses,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** Thrown by the store when a referenced row does not exist in the caller's organization. */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}
