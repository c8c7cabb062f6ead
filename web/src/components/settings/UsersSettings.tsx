import { ActionIcon, Badge, Button, Card, Group, Loader, Modal, PasswordInput, Select, Stack, Table, Text, TextInput, Title, Tooltip, VisuallyHidden } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconKey, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { api } from '../../api/endpoints';
import { ROLES, type Role, type User } from '../../api/types';
import { useSession } from '../../auth/AuthContext';
import { applyServerErrors } from '../../lib/forms';
import { formatDate, orNull } from '../../lib/format';
import { notifySuccess } from '../../lib/notify';
import { useApi } from '../../lib/useApi';
import { ConfirmModal } from '../ConfirmModal';
import { ErrorAlert } from '../ErrorAlert';
import { FormAlert } from '../FormAlert';
import { ListFooter } from '../ListFooter';

const PAGE_SIZE = 25;

export const ROLE_OPTIONS = ROLES.map((r) => ({
  value: r,
  label: r === 'owner' ? 'Owner — everything, users and tokens' : r === 'admin' ? 'Admin — changes the catalog and licenses' : 'Viewer — reads only',
}));

export const ROLE_COLOR: Record<Role, string> = { owner: 'grape', admin: 'blue', viewer: 'gray' };

const passwordRule = (v: string) => (v.length < 10 ? 'Use at least 10 characters' : v.length > 200 ? 'Use at most 200 characters' : null);

function UserFormModal({ opened, onClose, user, onSaved }: { opened: boolean; onClose: () => void; user: User | null; onSaved: (user: User) => void }) {
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { username: '', displayName: '', email: '', role: 'viewer' as Role, password: '' },
    validate: {
      username: (v) => (user || v.trim() ? null : 'Enter a username'),
      displayName: (v) => (v.trim() ? null : 'Enter a display name'),
      email: (v) => (!v.trim() || /^[^\s@]+@[^\s@]+$/.test(v.trim()) ? null : 'Enter a valid email address'),
      password: (v) => (user ? null : passwordRule(v)),
    },
  });
  useEffect(() => {
    if (!opened) return;
    setFormError(null);
    form.setValues({ username: user?.username ?? '', displayName: user?.displayName ?? '', email: user?.email ?? '', role: user?.role ?? 'viewer', password: '' });
    form.clearErrors();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, user]);

  const submit = form.onSubmit(async (v) => {
    setSaving(true);
    setFormError(null);
    try {
      const saved = user
        ? await api.users.update(user.id, { displayName: v.displayName.trim(), email: orNull(v.email), role: v.role })
        : await api.users.create({ username: v.username.trim(), displayName: v.displayName.trim(), email: orNull(v.email), role: v.role, password: v.password });
      onSaved(saved);
      onClose();
    } catch (error) {
      setFormError(applyServerErrors(form, error, ['username', 'displayName', 'email', 'role', 'password']));
    } finally {
      setSaving(false);
    }
  });

  return (
    <Modal opened={opened} onClose={onClose} title={user ? `Edit ${user.username}` : 'New user'}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <FormAlert message={formError} />
          {!user && <TextInput label="Username" required data-autofocus maxLength={100} autoComplete="off" {...form.getInputProps('username')} />}
          <TextInput label="Display name" required maxLength={200} {...form.getInputProps('displayName')} />
          <TextInput label="Email" type="email" maxLength={320} {...form.getInputProps('email')} />
          <Select label="Role" data={ROLE_OPTIONS} allowDeselect={false} {...form.getInputProps('role')} />
          {!user && <PasswordInput label="Password" description="10 to 200 characters. Give it to the user over a safe channel." required autoComplete="new-password" {...form.getInputProps('password')} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={saving}>
              Cancel
            </Button>
            <Button type="submit" loading={saving}>
              {user ? 'Save' : 'Create user'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ResetPasswordModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({ initialValues: { password: '' }, validate: { password: passwordRule } });
  useEffect(() => {
    if (user) {
      form.reset();
      setFormError(null);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [user]);
  const submit = form.onSubmit(async (v) => {
    if (!user) return;
    setSaving(true);
    try {
      await api.users.resetPassword(user.id, v.password);
      notifySuccess(`New password set for ${user.username}`);
      onClose();
    } catch (error) {
      setFormError(applyServerErrors(form, error, ['password']));
    } finally {
      setSaving(false);
    }
  });
  return (
    <Modal opened={user !== null} onClose={onClose} title={`Reset the password of ${user?.username ?? ''}`}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <FormAlert message={formError} />
          <PasswordInput label="New password" description="10 to 200 characters." required data-autofocus autoComplete="new-password" {...form.getInputProps('password')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={saving}>
              Cancel
            </Button>
            <Button type="submit" loading={saving}>
              Set password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Owner only: the organization's users. */
export function UsersSettings() {
  const session = useSession();
  const [page, setPage] = useState(1);
  const users = useApi((signal) => api.users.list({ limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, signal), [page]);
  const [editing, setEditing] = useState<User | null | undefined>(undefined);
  const [resetting, setResetting] = useState<User | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);

  return (
    <Card withBorder padding="lg" radius="md">
      <Group justify="space-between" mb="sm">
        <Group gap="sm">
          <Title order={3} size="h4">
            Users
          </Title>
          {users.loading && <Loader size="xs" aria-label="Loading users" />}
        </Group>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing(null)}>
          New user
        </Button>
      </Group>
      {users.error && <ErrorAlert error={users.error} onRetry={users.reload} />}
      <Table.ScrollContainer minWidth={700}>
        <Table aria-label="Users">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Username</Table.Th>
              <Table.Th>Display name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th w={120}>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.data?.items.map((user) => (
              <Table.Tr key={user.id}>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {user.username}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {user.displayName}
                  {user.id === session.user.id && (
                    <Badge size="xs" variant="outline" ml={6}>
                      you
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{user.email ?? '—'}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={ROLE_COLOR[user.role]}>
                    {user.role}
                  </Badge>
                </Table.Td>
                <Table.Td>{formatDate(user.createdAt)}</Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap" justify="flex-end">
                    <Tooltip label="Edit">
                      <ActionIcon variant="subtle" aria-label={`Edit user ${user.username}`} onClick={() => setEditing(user)}>
                        <IconPencil size={16} />
                      </ActionIcon>
                    </Tooltip>
                    <Tooltip label="Reset password">
                      <ActionIcon variant="subtle" aria-label={`Reset password of ${user.username}`} onClick={() => setResetting(user)}>
                        <IconKey size={16} />
                      </ActionIcon>
                    </Tooltip>
                    <Tooltip label="Delete">
                      <ActionIcon variant="subtle" color="red" aria-label={`Delete user ${user.username}`} onClick={() => setDeleting(user)}>
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Tooltip>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {users.data && <ListFooter total={users.data.total} page={page} pageSize={PAGE_SIZE} onPage={setPage} label="users" />}

      <UserFormModal
        opened={editing !== undefined}
        user={editing ?? null}
        onClose={() => setEditing(undefined)}
        onSaved={(u) => {
          notifySuccess(editing ? `Saved ${u.username}` : `Created ${u.username}`);
          users.reload();
        }}
      />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />
      <ConfirmModal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete user"
        confirmLabel="Delete user"
        onConfirm={async () => {
          await api.users.remove(deleting!.id);
          notifySuccess(`Deleted ${deleting!.username}`);
          users.reload();
        }}
      >
        Delete <b>{deleting?.username}</b>? Their sessions end at once. The last owner cannot be deleted.
      </ConfirmModal>
    </Card>
  );
}
