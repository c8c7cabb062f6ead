import { ActionIcon, Anchor, Badge, Button, Card, Group, Loader, Select, SimpleGrid, Switch, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api/endpoints';
import type { License } from '../api/types';
import { usePermissions } from '../auth/AuthContext';
import { ConfirmModal } from '../components/ConfirmModal';
import { CopyValue } from '../components/CopyValue';
import { CustomerName } from '../components/CustomerName';
import { CustomerSelect } from '../components/CustomerSelect';
import { ErrorAlert } from '../components/ErrorAlert';
import { ExpiryBadge, LeaseUsage } from '../components/LicenseBits';
import { ListFooter } from '../components/ListFooter';
import { PageHeader } from '../components/PageHeader';
import { SearchInput } from '../components/SearchInput';
import { formatDate } from '../lib/format';
import { notifySuccess } from '../lib/notify';
import { useApi } from '../lib/useApi';
import { grantsOf, useCatalog } from '../lib/useCatalog';
import { useListParams } from '../lib/useListParams';

const PAGE_SIZE = 25;

export function LicensesPage() {
  const { canWrite } = usePermissions();
  const navigate = useNavigate();
  const list = useListParams(PAGE_SIZE);
  const q = list.get('q');
  const customerId = list.get('customerId');
  const productId = list.get('productId');
  const expired = list.get('expired');
  const atLimit = list.get('atLimit') === 'true';
  const catalog = useCatalog();
  const licenses = useApi(
    (signal) =>
      api.licenses.list(
        {
          q: q || undefined,
          customerId: customerId || undefined,
          productId: productId || undefined,
          expired: expired === 'true' ? true : expired === 'false' ? false : undefined,
          atLimit: atLimit || undefined,
          limit: list.limit,
          offset: list.offset,
        },
        signal,
      ),
    [q, customerId, productId, expired, atLimit, list.offset],
  );
  const [deleting, setDeleting] = useState<License | null>(null);
  const filtered = Boolean(q || customerId || productId || expired || atLimit);

  return (
    <>
      <PageHeader
        title="Licenses"
        description="Grants of features to customers, with a lease limit, an expiry and key codes."
        actions={
          canWrite && (
            <Button component={Link} to="/licenses/new" leftSection={<IconPlus size={16} />}>
              New license
            </Button>
          )
        }
      />
      <Card withBorder padding="md" radius="md">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} mb="sm" spacing="sm">
          <SearchInput label="Search licenses" placeholder="Comment or exact key code" value={q} onChange={(value) => list.set({ q: value })} />
          <CustomerSelect aria-label="Customer" placeholder="Any customer" value={customerId || null} onChange={(value) => list.set({ customerId: value })} />
          <Select
            aria-label="Product"
            placeholder="Any product"
            searchable
            clearable
            data={(catalog.data?.products ?? []).map((p) => ({ value: p.id, label: p.name }))}
            value={productId || null}
            onChange={(value) => list.set({ productId: value })}
            nothingFoundMessage="No product found"
          />
          <Select
            aria-label="Expiry"
            data={[
              { value: 'any', label: 'Expired or not' },
              { value: 'false', label: 'Not expired' },
              { value: 'true', label: 'Expired' },
            ]}
            value={expired || 'any'}
            onChange={(value) => list.set({ expired: value === 'any' ? null : value })}
            allowDeselect={false}
          />
        </SimpleGrid>
        <Group mb="md" justify="space-between">
          <Group gap="lg">
            <Switch label="At their limit only" checked={atLimit} onChange={(e) => list.set({ atLimit: e.currentTarget.checked ? 'true' : null })} />
            {filtered && (
              <Button variant="subtle" size="compact-sm" onClick={() => list.set({ q: null, customerId: null, productId: null, expired: null, atLimit: null })}>
                Clear filters
              </Button>
            )}
          </Group>
          {licenses.loading && <Loader size="sm" aria-label="Loading licenses" />}
        </Group>
        {licenses.error && <ErrorAlert error={licenses.error} onRetry={licenses.reload} />}
        <Table.ScrollContainer minWidth={900}>
          <Table aria-label="Licenses">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Customer</Table.Th>
                <Table.Th>Products</Table.Th>
                <Table.Th>Leases</Table.Th>
                <Table.Th>Expiry</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Created</Table.Th>
                {canWrite && (
                  <Table.Th w={90}>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {licenses.data?.items.map((license) => {
                const key = license.keys[0];
                const label = key ?? license.id;
                return (
                  <Table.Tr key={license.id} style={{ cursor: 'pointer' }} onClick={() => navigate(`/licenses/${encodeURIComponent(license.id)}`)}>
                    <Table.Td>
                      <CustomerName id={license.customerId} />
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {catalog.data ? (
                          grantsOf(license.featureIds, catalog.data).map((g) => (
                            <Tooltip key={g.productId} label={g.features.join(', ')}>
                              <Badge variant="light" size="sm" style={{ textTransform: 'none' }}>
                                {g.product} · {g.features.length}
                              </Badge>
                            </Tooltip>
                          ))
                        ) : (
                          <Text size="sm" c="dimmed">
                            {license.featureIds.length} features
                          </Text>
                        )}
                        {license.featureIds.length === 0 && (
                          <Text size="sm" c="dimmed">
                            none
                          </Text>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <LeaseUsage license={license} />
                    </Table.Td>
                    <Table.Td>
                      <ExpiryBadge expiry={license.expiry} />
                    </Table.Td>
                    <Table.Td onClick={(e) => e.stopPropagation()}>
                      <Group gap={4} wrap="nowrap">
                        <Anchor component={Link} to={`/licenses/${encodeURIComponent(license.id)}`} size="sm" ff="monospace" aria-label={`Open license ${label}`} style={{ whiteSpace: 'nowrap' }}>
                          {key ?? license.id.slice(0, 8)}
                        </Anchor>
                        {license.keys.length > 1 && (
                          <Badge size="xs" variant="outline" color="gray">
                            +{license.keys.length - 1}
                          </Badge>
                        )}
                        {key && <CopyValue value={key} label={`key ${key}`} size="sm" />}
                      </Group>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(license.createdAt)}</Table.Td>
                    {canWrite && (
                      <Table.Td onClick={(e) => e.stopPropagation()}>
                        <Group gap={4} wrap="nowrap" justify="flex-end">
                          <Tooltip label="Edit">
                            <ActionIcon component={Link} to={`/licenses/${encodeURIComponent(license.id)}/edit`} variant="subtle" aria-label={`Edit license ${label}`}>
                              <IconPencil size={16} />
                            </ActionIcon>
                          </Tooltip>
                          <Tooltip label="Delete">
                            <ActionIcon variant="subtle" color="red" aria-label={`Delete license ${label}`} onClick={() => setDeleting(license)}>
                              <IconTrash size={16} />
                            </ActionIcon>
                          </Tooltip>
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
              {licenses.data && licenses.data.items.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={canWrite ? 7 : 6}>
                    <Text c="dimmed" size="sm" ta="center" py="lg">
                      {filtered ? 'No license matches these filters.' : 'No licenses yet.'}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {licenses.data && <ListFooter total={licenses.data.total} page={list.page} pageSize={PAGE_SIZE} onPage={list.setPage} label="licenses" />}
      </Card>
      {canWrite && (
        <ConfirmModal
          opened={deleting !== null}
          onClose={() => setDeleting(null)}
          title="Delete license"
          confirmLabel="Delete license"
          onConfirm={async () => {
            await api.licenses.remove(deleting!.id);
            notifySuccess('License deleted');
            licenses.reload();
          }}
        >
          Delete this license? Its key codes stop working and its {deleting?.leasesUsed ?? 0} active lease(s) are revoked at once.
        </ConfirmModal>
      )}
    </>
  );
}
