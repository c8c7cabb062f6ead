import type { AuditActor } from '../store/audit.js';
import type { Role } from '../store/schema.js';

/**
 * Who asks a service for something: the organization they act in, their role there, and how they
 * appear in the audit log and in events. Routes build it from the authenticated request; services
 * never see HTTP.
 */
export interface Caller {
  organizationId: string;
  role: Role;
  actor: AuditActor;
  /** The user whose rights the caller has (the signed-in user, a token's creator); null for an operator's token. */
  userId: string | null;
  /** The signed-in session, when the caller is one. */
  sessionId?: string;
}
