import { Badge, Group, SimpleGrid, Stack } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useNavigate, useParams } from 'react-router';
import { api } from '../api/endpoints';
import type { License } from '../api/types';
import { usePermissions } from '../auth/AuthContext';
import { ConfirmModal } from '../components/ConfirmModal';
import { LicenseDeleteTitle } from '../components/LicenseDeleteTitle';
import { CustomerName } from '../components/CustomerName';
import { BackLink } from '../components/detail/BackLink';
import { DeleteButton, EditButton } from '../components/detail/DetailActions';
import { DetailGate } from '../components/detail/DetailGate';
import { PageHeader } from '../components/PageHeader';
import { isPast } from '../lib/format';
import { notifySuccess } from '../lib/notify';
import { useNow } from '../lib/useNow';
import { LicenseGrantsSection } from './license/LicenseGrantsSection';
import { LicenseKeysSection } from './license/LicenseKeysSection';
import { LicenseLeasesSection } from './license/LicenseLeasesSection';
import { LicenseSummary } from './license/LicenseSummary';
import { LicenseUsageSection } from './license/LicenseUsageSection';
import { useLicense, type LicensePageState } from './license/useLicense';

const back = <BackLink to="/licenses">Licenses</BackLink>;

export function LicensePage() {
  const { id = '' } = useParams();
  const { license, ...sections } = useLicense(id);
  return (
    <DetailGate resource={license} noun="license" back={back}>
      {(l) => <LicenseDetails license={l} {...sections} />}
    </DetailGate>
  );
}

function LicenseDetails({ license, catalog, leases, usage }: { license: License } & Omit<LicensePageState, 'license'>) {
  const navigate = useNavigate();
  const { canWrite } = usePermissions();
  const [deleting, { open: askDelete, close: closeDelete }] = useDisclosure(false);
  const now = useNow();
  const expired = isPast(license.expiry, now);

  return (
    <>
      <PageHeader
        before={back}
        documentTitle={[`License ${license.keys[0] ?? ''}`.trim(), 'Licenses']}
        title={
          <Group gap="sm" component="span">
            License
            <Badge variant="light" color={expired ? 'red' : 'teal'} size="lg">
              {expired ? 'Expired' : 'Active'}
            </Badge>
          </Group>
        }
        description={
          <>
            for <CustomerName id={license.customerId} name={license.customerName} />
          </>
        }
        actions={
          canWrite && (
            <>
              <EditButton to={`/licenses/${encodeURIComponent(license.id)}/edit`} />
              <DeleteButton onClick={askDelete} />
            </>
          )
        }
      />
      <Stack gap="lg">
        <LicenseSummary license={license} />
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <LicenseKeysSection keys={license.keys} />
          <LicenseGrantsSection featureIds={license.featureIds} catalog={catalog.data} />
        </SimpleGrid>
        <LicenseLeasesSection state={leases} canWrite={canWrite} />
        <LicenseUsageSection usage={usage} limit={license.leaseLimit} />
      </Stack>

      {canWrite && (
        <ConfirmModal
          opened={deleting}
          onClose={closeDelete}
          title={<LicenseDeleteTitle license={license} />}
          confirmLabel="Delete license"
          onConfirm={async () => {
            await api.licenses.remove(license.id);
            notifySuccess('License deleted');
            navigate('/licenses', { replace: true });
          }}
        >
          Its key codes stop working and its {license.leasesUsed === 1 ? '1 seat in use ends' : `${license.leasesUsed} seats in use end`} at once. This cannot be undone.
        </ConfirmModal>
      )}
    </>
  );
}
