import { ROLES, type Role } from '../../api/types';

export const ROLE_OPTIONS = ROLES.map((r) => ({
  value: r,
  label: r === 'owner' ? 'Owner — everything, users and tokens' : r === 'admin' ? 'Admin — changes the catalog and licenses' : 'Viewer — reads only',
}));

export const ROLE_COLOR: Record<Role, string> = { owner: 'grape', admin: 'blue', viewer: 'gray' };
