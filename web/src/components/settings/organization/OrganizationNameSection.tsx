import { Button, Code, Group, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { ApiError } from '../../../api/client';
import { api } from '../../../api/endpoints';
import type { Organization } from '../../../api/types';
import { useAuth } from '../../../auth/AuthContext';
import { notifySuccess } from '../../../lib/notify';
import { useUnsavedChanges } from '../../../lib/useUnsavedChanges';
import { DetailSection } from '../../detail/DetailSection';
import { UnsavedChangesPrompt } from '../../UnsavedChangesPrompt';
import { useDraft } from './useDraft';

/** The organization's name (renamed by admins and owners) and id. */
export function OrganizationNameSection({ org, canWrite, onSaved }: { org: Organization; canWrite: boolean; onSaved: (org: Organization) => void }) {
  const { setOrganizationName } = useAuth();
  const [name, setName] = useDraft(org, org.name);
  const [nameError, setNameError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const unsaved = useUnsavedChanges(canWrite && name.trim() !== org.name);

  const save = async () => {
    if (!name.trim()) {
      setNameError('Enter a name');
      return;
    }
    setSaving(true);
    setNameError(null);
    try {
      const updated = await api.organization.update({ name: name.trim() });
      onSaved(updated);
      setOrganizationName(updated.name);
      notifySuccess('Organization renamed');
    } catch (error) {
      setNameError(error instanceof ApiError ? (error.fieldErrors().name ?? error.message) : String(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <DetailSection title="Organization">
      <UnsavedChangesPrompt unsaved={unsaved} />
      {canWrite ? (
        <Group align="flex-start" gap="sm">
          <TextInput
            label="Organization name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={nameError}
            maxLength={200}
            style={{ flex: 1, maxWidth: 420 }}
            onKeyDown={(e) => e.key === 'Enter' && void save()}
          />
          <Button mt={25} onClick={() => void save()} loading={saving} disabled={name.trim() === org.name}>
            Save name
          </Button>
        </Group>
      ) : (
        <Text>{org.name}</Text>
      )}
      <Text size="xs" c="dimmed" mt="xs">
        Organization id <Code>{org.id}</Code>
      </Text>
    </DetailSection>
  );
}
