import { Alert, Button, Code, Group, Select, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconDownload, IconInfoCircle, IconRotateClockwise } from '@tabler/icons-react';
import { api } from '../../../api/endpoints';
import { SIGNING_ALGORITHMS, type Organization, type SigningAlgorithm } from '../../../api/types';
import { notifySuccess } from '../../../lib/notify';
import { ConfirmModal } from '../../ConfirmModal';
import { CopyValue } from '../../CopyValue';
import { DetailSection } from '../../detail/DetailSection';
import { downloadPem } from './downloadPem';
import { useDraft } from './useDraft';

const ALGORITHM_LABELS: Record<SigningAlgorithm, string> = {
  ES256: 'ES256 — ECDSA P-256 (default)',
  EdDSA: 'EdDSA — Ed25519',
  RS256: 'RS256 — RSA 2048',
};

const KEEPS_WORKING = 'Leases already issued stay valid. Applications that verify lease codes offline need the new public key (or the JWKS, which lists both).';

interface SigningKeySectionProps {
  org: Organization;
  canWrite: boolean;
  /** The organization as the switch answered it. */
  onSaved: (org: Organization) => void;
  /** After a rotation or a switch: the key changed. */
  onChanged: () => void;
}

/** The signing key: its algorithm (switched with a new key), a rotation, and the public key to copy or download. */
export function SigningKeySection({ org, canWrite, onSaved, onChanged }: SigningKeySectionProps) {
  const [algorithm, setAlgorithm] = useDraft<SigningAlgorithm>(org, org.signingAlgorithm);
  const [rotating, rotation] = useDisclosure(false);
  const [switching, switcher] = useDisclosure(false);

  return (
    <DetailSection
      title="Signing key"
      description="Lease codes are signed with this key; applications can verify them offline with the public key. After a rotation, leases signed with the old key stay verifiable until they expire."
    >
      <Group align="flex-end" gap="sm" mb="md">
        <Select
          label="Signing algorithm"
          data={SIGNING_ALGORITHMS.map((a) => ({ value: a, label: ALGORITHM_LABELS[a] }))}
          value={algorithm}
          onChange={(v) => v && setAlgorithm(v)}
          allowDeselect={false}
          readOnly={!canWrite}
          w={300}
        />
        {canWrite && (
          <>
            {algorithm !== org.signingAlgorithm && <Button onClick={switcher.open}>Switch to {algorithm}</Button>}
            <Button variant="light" color="orange" leftSection={<IconRotateClockwise size={16} />} onClick={rotation.open}>
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
          <CopyValue value={org.publicKey} label="public key" />
          <Button size="xs" variant="default" leftSection={<IconDownload size={14} />} onClick={() => downloadPem(org)}>
            Download .pem
          </Button>
        </Group>
      </Group>
      <Code block aria-label="Public key">
        {org.publicKey.trim()}
      </Code>

      <ConfirmModal
        opened={rotating}
        onClose={rotation.close}
        title="Rotate the signing key"
        confirmLabel="Rotate key"
        color="orange"
        onConfirm={async () => {
          await api.organization.rotateKey();
          notifySuccess('Signing key rotated');
          onChanged();
        }}
      >
        <Stack gap="xs">
          <Text size="sm">A new {org.signingAlgorithm} key signs every lease from now on.</Text>
          <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} />}>
            {KEEPS_WORKING}
          </Alert>
        </Stack>
      </ConfirmModal>
      <ConfirmModal
        opened={switching}
        onClose={switcher.close}
        title={`Switch to ${algorithm}`}
        confirmLabel={`Switch to ${algorithm}`}
        color="orange"
        onConfirm={async () => {
          onSaved(await api.organization.update({ signingAlgorithm: algorithm }));
          notifySuccess(`New ${algorithm} signing key in use`);
          onChanged();
        }}
      >
        <Stack gap="xs">
          <Text size="sm">
            A new {algorithm} key replaces the {org.signingAlgorithm} key and signs every lease from now on.
          </Text>
          <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} />}>
            {KEEPS_WORKING}
          </Alert>
        </Stack>
      </ConfirmModal>
    </DetailSection>
  );
}
