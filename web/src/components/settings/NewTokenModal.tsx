import { Alert, Button, Code, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { api } from '../../api/endpoints';
import type { CreatedApiToken, Role } from '../../api/types';
import { useFormSubmit } from '../../lib/useFormSubmit';
import { useOpenings } from '../../lib/useOpenings';
import { CopyValue } from '../CopyValue';
import { ModalForm } from '../form/ModalForm';
import { ROLE_OPTIONS } from './roles';

/** Creates an API token, then shows it the only time it can be seen. */
export function NewTokenModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: () => void }) {
  const opening = useOpenings(opened);
  // The token made during this opening; a later opening starts with the form again.
  const [created, setCreated] = useState<{ opening: number; token: CreatedApiToken } | null>(null);
  const token = created?.opening === opening ? created.token : null;

  return (
    <Modal opened={opened} onClose={onClose} title={token ? 'Your new API token' : 'New API token'} size="lg" closeOnClickOutside={!token}>
      {token ? (
        <CreatedToken token={token} onDone={onClose} />
      ) : (
        <NewTokenForm
          key={opening}
          onCancel={onClose}
          onCreated={(made) => {
            setCreated({ opening, token: made });
            onCreated();
          }}
        />
      )}
    </Modal>
  );
}

function NewTokenForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (token: CreatedApiToken) => void }) {
  const form = useForm({
    initialValues: { name: '', role: 'admin' as Role },
    validate: { name: (v) => (v.trim() ? null : 'Enter a name, such as what the token is for') },
  });
  const { submit, saving, formError } = useFormSubmit(form, ['name', 'role'], async (v) => {
    onCreated(await api.tokens.create({ name: v.name.trim(), role: v.role }));
  });
  return (
    <ModalForm onSubmit={submit} onCancel={onCancel} saving={saving} formError={formError} submitLabel="Create token">
      <TextInput label="Name" description="What or who uses it, such as CI or billing." required data-autofocus maxLength={200} {...form.getInputProps('name')} />
      <Select label="Role" data={ROLE_OPTIONS} allowDeselect={false} {...form.getInputProps('role')} />
    </ModalForm>
  );
}

function CreatedToken({ token, onDone }: { token: CreatedApiToken; onDone: () => void }) {
  return (
    <Stack>
      <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="Copy it now">
        This is the only time the token is shown. Store it somewhere safe: the server keeps only a hash of it.
      </Alert>
      <Group gap="xs" wrap="nowrap">
        <Code block style={{ flex: 1, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }} aria-label="New API token">
          {token.token}
        </Code>
        <CopyValue value={token.token} label="API token" />
      </Group>
      <Text size="sm" c="dimmed">
        Send it as <Code>Authorization: Bearer …</Code>. Name: {token.name}; role: {token.role}.
      </Text>
      <Group justify="flex-end">
        <Button onClick={onDone}>Done</Button>
      </Group>
    </Stack>
  );
}
