import { Type } from 'typebox';
import { StringEnum, Timestamp } from '../http/schemas.js';
import { ROLES } from '../services/roles.js';

/**
 * The schemas of accounts, shared by the user routes and the session routes (which answer with
 * the signed-in user and take passwords too).
 */
export const UserReply = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  role: StringEnum(ROLES),
  createdAt: Timestamp,
});

export const Password = Type.String({ minLength: 10, maxLength: 200, description: '10 to 200 characters.' });

export const Username = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[A-Za-z0-9_.@-]+$',
  description: 'Letters, digits, _ . @ -; unique across the server, whatever the case: Admin is taken when admin exists.',
});

export const Email = Type.Union([Type.String({ format: 'email', maxLength: 320 }), Type.Null()]);

export const DisplayName = Type.String({ minLength: 1, maxLength: 200 });

export const RoleField = StringEnum(ROLES, { description: 'owner: everything, including users and tokens; admin: the catalog; viewer: read only.' });
