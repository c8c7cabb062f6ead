/** Thrown by the store when a change would break a rule the database enforces (a duplicate name, a row in use). */
export class ConflictError extends Error {
  constructor(message: string) {
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
