import { Alert, Button, Card, Center, Code, Group, Loader, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconDownload, IconInfoCircle, IconRotateClockwise } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import { SIGNING_ALGORITHMS, type Organization, type SigningAlgorithm } from '../../api/types';
import { useAuth, usePermissions } from '../../auth/AuthContext';
import { notifySuccess } from '../../lib/notify';
import { useApi } from '../../lib/useApi';
import { ConfirmModal } from '../ConfirmModal';
import { CopyValue } from '../CopyValue';
import { ErrorAlert } from '../ErrorAlert';

const ALGORITHM_LABELS: Record<SigningAlgorithm, string> = {
  ES256: 'ES256 — ECDSA P-256 (default)',
  EdDSA: 'EdDSA — Ed25519',
  RS256: 'RS256 — RSA 2048',
};

function downloadPem(org: Organization) {
  const blob = new Blob([org.publicKey.endsWith('\n') ? org.publicKey : `${org.publicKey}\n`], { type: 'application/x-pem-file' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${org.name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'organization'}-signing-key.pem`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function OrganizationSettings() {
  const { canWrite } = usePermissions();
  const { setOrganizationName } = useAuth();
  const org = useApi((signal) => api.organization.get(signal), []);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [savingName, setSavingName] = useState(false);
  const [algorithm, setAlgorithm] = useState<SigningAlgorithm>('ES256');
  const [confirm, setConfirm] = useState<'rotate' | 'algorithm' | null>(null);

  useEffect(() => {
    if (org.data) {
      setName(org.data.name);
      setAlgorithm(org.data.signingAlgorithm);
    }
  }, [org.data]);

  if (!org.data) {
    return org.error ? (
      <ErrorAlert error={org.error} onRetry={org.reload} />
    ) : (
      <Center h={200}>
        <Loader aria-label="Loading organization" />
      </Center>
    );
  }
  const o = org.data;

  const saveName = async () => {
    if (!name.trim()) {
      setNameError('Enter a name');
      return;
    }
    setSavingName(true);
    setNameError(null);
    try {
      const updated = await api.organization.update({ name: name.trim() });
      org.setData(updated);
      setOrganizationName(updated.name);
      notifySuccess('Organization renamed');
    } catch (error) {
      setNameError(error instanceof ApiError ? (error.fieldErrors().name ?? error.message) : String(error));
    } finally {
      setSavingName(false);
    }
  };

  return (
    <Stack gap="lg">
      <Card withBorder padding="lg" radius="md">
        <Title order={3} size="h4" mb="sm">
          Organization
        </Title>
        {canWrite ? (
          <Group align="flex-start" gap="sm">
            <TextInput
              label="Organization name"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={nameError}
              maxLength={200}
              style={{ flex: 1, maxWidth: 420 }}
              onKeyDown={(e) => e.key === 'Enter' && void saveName()}
            />
            <Button mt={25} onClick={() => void saveName()} loading={savingName} disabled={name.trim() === o.name}>
              Save name
            </Button>
          </Group>
        ) : (
          <Text>{o.name}</Text>
        )}
        <Text size="xs" c="dimmed" mt="xs">
          Organization id <Code>{o.id}</Code>
        </Text>
      </Card>

      <Card withBorder padding="lg" radius="md">
        <Title order={3} size="h4" mb={4}>
          Licensing endpoint
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          The URL your applications call to validate keys and take leases.
        </Text>
        <Group gap="xs" wrap="nowrap">
          <Code block style={{ flex: 1, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }} aria-label="Licensing endpoint">
            {o.licensingEndpoint}
          </Code>
          <CopyValue value={o.licensingEndpoint} label="licensing endpoint" />
        </Group>
      </Card>

      <Card withBorder padding="lg" radius="md">
        <Title order={3} size="h4" mb={4}>
          Signing key
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          Lease codes are signed with this key; applications can verify them offline with the public key. After a rotation, leases signed with the old key stay
          verifiable until they expire.
        </Text>
        <Group align="flex-end" gap="sm" mb="md">
          <Select
            label="Signing algorithm"
            data={SIGNING_ALGORITHMS.map((a) => ({ value: a, label: ALGORITHM_LABELS[a] }))}
            value={algorithm}
            onChange={(v) => v && setAlgorithm(v as SigningAlgorithm)}
            allowDeselect={false}
            readOnly={!canWrite}
            w={300}
          />
          {canWrite && (
            <>
              {algorithm !== o.signingAlgorithm && (
                <Button onClick={() => setConfirm('algorithm')}>Switch to {algorithm}</Button>
              )}
              <Button variant="light" color="orange" leftSection={<IconRotateClockwise size={16} />} onClick={() => setConfirm('rotate')}>
                Rotate key
              </Button>
            </>
          )}
        </Group>
        <Group justify="space-between" mb={6}>
          <Text size="sm" fw={500}>
            Public key (PEM)
          </Text>
          <Group gap="xs">
            <CopyValue value={o.publicKey} label="public key" />
            <Button size="xs" variant="default" leftSection={<IconDownload size={14} />} onClick={() => downloadPem(o)}>
              Download .pem
            </Button>
          </Group>
        </Group>
        <Code block aria-label="Public key">
          {o.publicKey.trim()}
        </Code>
      </Card>

      <ConfirmModal
        opened={confirm !== null}
        onClose={() => setConfirm(null)}
        title={confirm === 'rotate' ? 'Rotate the signing key' : `Switch to ${algorithm}`}
        confirmLabel={confirm === 'rotate' ? 'Rotate key' : `Switch to ${algorithm}`}
        color="orange"
        onConfirm={async () => {
          if (confirm === 'rotate') {
            await api.organization.rotateKey();
            notifySuccess('Signing key rotated');
          } else {
            org.setData(await api.organization.update({ signingAlgorithm: algorithm }));
            notifySuccess(`New ${algorithm} signing key in use`);
          }
          org.reload();
        }}
      >
        <Stack gap="xs">
          <Text size="sm">
            {confirm === 'rotate'
              ? `A new ${o.signingAlgorithm} key signs every lease from now on.`
              : `A new ${algorithm} key replaces the ${o.signingAlgorithm} key and signs every lease from now on.`}
          </Text>
          <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} />}>
            Leases already issued stay valid. Applications that verify lease codes offline need the new public key (or the JWKS, which lists both).
          </Alert>
        </Stack>
      </ConfirmModal>
    </Stack>
  );
}
