import { ActionIcon, Alert, Badge, Button, Card, Code, Group, Loader, Modal, Select, Stack, Table, Text, TextInput, Title, Tooltip, VisuallyHidden } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconPlus, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { api } from '../../api/endpoints';
import type { ApiToken, CreatedApiToken, Role } from '../../api/types';
import { applyServerErrors } from '../../lib/forms';
import { formatDate, formatDateTime, fromNow } from '../../lib/format';
import { notifySuccess } from '../../lib/notify';
import { useApi } from '../../lib/useApi';
import { ConfirmModal } from '../ConfirmModal';
import { CopyValue } from '../CopyValue';
import { ErrorAlert } from '../ErrorAlert';
import { FormAlert } from '../FormAlert';
import { ListFooter } from '../ListFooter';
import { ROLE_COLOR, ROLE_OPTIONS } from './UsersSettings';

const PAGE_SIZE = 25;

function NewTokenModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: () => void }) {
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const form = useForm({
    initialValues: { name: '', role: 'admin' as Role },
    validate: { name: (v) => (v.trim() ? null : 'Enter a name, such as what the token is for') },
  });
  useEffect(() => {
    if (opened) {
      form.reset();
      setCreated(null);
      setFormError(null);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);

  const submit = form.onSubmit(async (v) => {
    setSaving(true);
    setFormError(null);
    try {
      setCreated(await api.tokens.create({ name: v.name.trim(), role: v.role }));
      onCreated();
    } catch (error) {
      setFormError(applyServerErrors(form, error, ['name', 'role']));
    } finally {
      setSaving(false);
    }
  });

  return (
    <Modal opened={opened} onClose={onClose} title={created ? 'Your new API token' : 'New API token'} size="lg" closeOnClickOutside={!created}>
      {created ? (
        <Stack>
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="Copy it now">
            This is the only time the token is shown. Store it somewhere safe: the server keeps only a hash of it.
          </Alert>
          <Group gap="xs" wrap="nowrap">
            <Code block style={{ flex: 1, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }} aria-label="New API token">
              {created.token}
            </Code>
            <CopyValue value={created.token} label="API token" />
          </Group>
          <Text size="sm" c="dimmed">
            Send it as <Code>Authorization: Bearer …</Code>. Name: {created.name}; role: {created.role}.
          </Text>
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <FormAlert message={formError} />
            <TextInput label="Name" description="What or who uses it, such as CI or billing." required data-autofocus maxLength={200} {...form.getInputProps('name')} />
            <Select label="Role" data={ROLE_OPTIONS} allowDeselect={false} {...form.getInputProps('role')} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose} disabled={saving}>
                Cancel
              </Button>
              <Button type="submit" loading={saving}>
                Create token
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/** Owner only: API tokens for scripts and integrations. */
export function TokensSettings() {
  const [page, setPage] = useState(1);
  const tokens = useApi((signal) => api.tokens.list({ limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, signal), [page]);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  return (
    <Card withBorder padding="lg" radius="md">
      <Group justify="space-between" mb="sm">
        <Group gap="sm">
          <Title order={3} size="h4">
            API tokens
          </Title>
          {tokens.loading && <Loader size="xs" aria-label="Loading tokens" />}
        </Group>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          New token
        </Button>
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        Tokens let scripts call the admin API with <Code>Authorization: Bearer</Code>, with the rights of their role, never more than the
        user who made them has now. A token is deleted with that user.
      </Text>
      {tokens.error && <ErrorAlert error={tokens.error} onRetry={tokens.reload} />}
      <Table.ScrollContainer minWidth={600}>
        <Table aria-label="API tokens">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Created by</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th w={60}>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tokens.data?.items.map((token) => (
              <Table.Tr key={token.id}>
                <Table.Td>{token.name}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={ROLE_COLOR[token.role]}>
                    {token.role}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  {token.createdBy ? (
                    token.createdBy.username
                  ) : (
                    <Tooltip label="Made with leasehold token create (or before creators were recorded); not bound to a user">
                      <Text span size="sm" c="dimmed">
                        Operator (CLI)
                      </Text>
                    </Tooltip>
                  )}
                </Table.Td>
                <Table.Td>{formatDate(token.createdAt)}</Table.Td>
                <Table.Td>
                  {token.lastUsedAt ? (
                    <Tooltip label={formatDateTime(token.lastUsedAt)}>
                      <span>{fromNow(token.lastUsedAt)}</span>
                    </Tooltip>
                  ) : (
                    'Never'
                  )}
                </Table.Td>
                <Table.Td>
                  <Tooltip label="Revoke">
                    <ActionIcon variant="subtle" color="red" aria-label={`Revoke token ${token.name}`} onClick={() => setRevoking(token)}>
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Tooltip>
                </Table.Td>
              </Table.Tr>
            ))}
            {tokens.data && tokens.data.items.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={6}>
                  <Text size="sm" c="dimmed" ta="center" py="md">
                    No API tokens.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {tokens.data && <ListFooter total={tokens.data.total} page={page} pageSize={PAGE_SIZE} onPage={setPage} label="tokens" />}
      <NewTokenModal opened={creating} onClose={() => setCreating(false)} onCreated={tokens.reload} />
      <ConfirmModal
        opened={revoking !== null}
        onClose={() => setRevoking(null)}
        title="Revoke API token"
        confirmLabel="Revoke token"
        onConfirm={async () => {
          await api.tokens.remove(revoking!.id);
          notifySuccess(`Revoked ${revoking!.name}`);
          tokens.reload();
        }}
      >
        Revoke <b>{revoking?.name}</b>? Whatever uses it stops working at once.
      </ConfirmModal>
    </Card>
  );
}
