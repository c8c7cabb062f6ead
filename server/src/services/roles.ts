import type { Role } from '../store/schema.js';
import type { Caller } from './caller.js';
import { failed, type Outcome } from './outcome.js';

/** Every role, from the most rights to the least. */
export const ROLES: readonly Role[] = ['owner', 'admin', 'viewer'];

const RANK: Record<Role, number> = { viewer: 0, admin: 1, owner: 2 };

/** Whether `role` has at least the rights of `other`: viewer < admin < owner. */
export function atLeast(role: Role, other: Role): boolean {
  return RANK[role] >= RANK[other];
}

/** The lower of two roles. */
export function lower(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

/** The refusal of a caller without `role`, or undefined when they have it. */
export function lacksRole(caller: Caller, role: Role): Outcome<never> | undefined {
  return atLeast(caller.role, role) ? undefined : failed({ kind: 'forbidden', message: `this needs the ${role} role` });
}
