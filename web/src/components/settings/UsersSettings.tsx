import { Badge, Button, Text } from '@mantine/core';
import { IconKey, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { api } from '../../api/endpoints';
import type { User } from '../../api/types';
import { useSession } from '../../auth/AuthContext';
import { formatDate } from '../../lib/format';
import { notifySuccess } from '../../lib/notify';
import { useApi } from '../../lib/useApi';
import { useConfirmation } from '../../lib/useConfirmation';
import { usePage } from '../../lib/usePage';
import { ConfirmAction } from '../ConfirmAction';
import { DetailSection } from '../detail/DetailSection';
import { ResourceList } from '../list/ResourceList';
import { actionsColumn, type Column } from '../list/ResourceTable';
import { RowAction, RowActions } from '../RowActions';
import { ResetPasswordModal } from './ResetPasswordModal';
import { ROLE_COLOR } from './roles';
import { UserFormModal } from './UserFormModal';

const PAGE_SIZE = 25;

/** Owner only: the organization's users. */
export function UsersSettings() {
  const session = useSession();
  const paging = usePage(PAGE_SIZE);
  const users = useApi((signal) => api.users.list({ limit: paging.limit, offset: paging.offset }, signal), [paging.offset]);
  const [editing, setEditing] = useState<User | null | undefined>(undefined);
  const resetting = useConfirmation<User>();
  const deletion = useConfirmation<User>();

  const columns: Column<User>[] = [
    {
      header: 'Username',
      cell: (user) => (
        <Text size="sm" ff="monospace">
          {user.username}
        </Text>
      ),
    },
    {
      header: 'Display name',
      cell: (user) => (
        <>
          {user.displayName}
          {user.id === session.user.id && (
            <Badge size="xs" variant="outline" ml={6}>
              you
            </Badge>
          )}
        </>
      ),
    },
    { header: 'Email', cell: (user) => user.email ?? '—' },
    {
      header: 'Role',
      cell: (user) => (
        <Badge variant="light" color={ROLE_COLOR[user.role]}>
          {user.role}
        </Badge>
      ),
    },
    { header: 'Created', cell: (user) => formatDate(user.createdAt) },
    actionsColumn<User>(
      (user) => (
        <RowActions justify="flex-end">
          <RowAction tooltip="Edit" label={`Edit user ${user.username}`} icon={<IconPencil size={16} />} onClick={() => setEditing(user)} />
          <RowAction tooltip="Reset password" label={`Reset password of ${user.username}`} icon={<IconKey size={16} />} onClick={() => resetting.ask(user)} />
          <RowAction tooltip="Delete" label={`Delete user ${user.username}`} icon={<IconTrash size={16} />} color="red" onClick={() => deletion.ask(user)} />
        </RowActions>
      ),
      120,
    ),
  ];

  return (
    <DetailSection
      title="Users"
      loading={users.loading}
      loadingLabel="Loading users"
      actions={
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing(null)}>
          New user
        </Button>
      }
    >
      <ResourceList resource={users} paging={paging} noun="users" label="Users" minWidth={700} columns={columns} rowKey={(user) => user.id} empty="No users." emptyPadding="md" />

      <UserFormModal
        opened={editing !== undefined}
        user={editing ?? null}
        onClose={() => setEditing(undefined)}
        onSaved={(u) => {
          notifySuccess(editing ? `Saved ${u.username}` : `Created ${u.username}`);
          users.reload();
        }}
      />
      <ResetPasswordModal resetting={resetting} />
      <ConfirmAction
        confirmation={deletion}
        title={(user) => `Delete the user ${user.username}?`}
        confirmLabel="Delete user"
        onConfirm={async (user) => {
          await api.users.remove(user.id);
          notifySuccess(`Deleted ${user.username}`);
          users.reload();
        }}
      >
        {(user) => (
          <>
            <b>{user.username}</b> can no longer sign in, and their sessions end at once. The last owner cannot be deleted.
          </>
        )}
      </ConfirmAction>
    </DetailSection>
  );
}
