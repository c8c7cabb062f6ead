import { Anchor, Badge, Button, Card, Center, Code, Group, Loader, SegmentedControl, SimpleGrid, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconArrowLeft, IconPencil, IconTrash } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import type { Lease, LeaseState, UsageRange } from '../api/types';
import { usePermissions } from '../auth/AuthContext';
import { ConfirmModal } from '../components/ConfirmModal';
import { CopyValue } from '../components/CopyValue';
import { CustomerName } from '../components/CustomerName';
import { ErrorAlert } from '../components/ErrorAlert';
import { ExpiryBadge, LEASE_STATE_COLOR, LeaseUsage } from '../components/LicenseBits';
import { ListFooter } from '../components/ListFooter';
import { PageHeader } from '../components/PageHeader';
import { UsageChart } from '../components/UsageChart';
import { formatDateTime, fromNow, isPast } from '../lib/format';
import { notifyError, notifySuccess } from '../lib/notify';
import { useApi } from '../lib/useApi';
import { grantsOf, useCatalog } from '../lib/useCatalog';

const LEASE_PAGE = 20;

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700} mb={4}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

export function LicensePage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { canWrite } = usePermissions();
  const license = useApi((signal) => api.licenses.get(id, signal), [id]);
  const catalog = useCatalog();
  const [stateFilter, setStateFilter] = useState<LeaseState | 'all'>('active');
  const [leasePage, setLeasePage] = useState(1);
  const leases = useApi(
    (signal) => api.licenses.leases(id, { state: stateFilter === 'all' ? undefined : stateFilter, limit: LEASE_PAGE, offset: (leasePage - 1) * LEASE_PAGE }, signal),
    [id, stateFilter, leasePage],
  );
  const [range, setRange] = useState<UsageRange>('24h');
  const usage = useApi((signal) => api.licenses.usage(id, range, signal), [id, range]);
  const [releasing, setReleasing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);

  const back = (
    <Anchor component={Link} to="/licenses" size="sm">
      <Group gap={4}>
        <IconArrowLeft size={14} /> Licenses
      </Group>
    </Anchor>
  );

  if (license.error instanceof ApiError && license.error.status === 404) {
    return (
      <>
        <PageHeader title="License not found" before={back} />
        <Text c="dimmed">This license does not exist or was deleted.</Text>
      </>
    );
  }
  const l = license.data;
  if (!l) {
    return license.error ? (
      <ErrorAlert error={license.error} onRetry={license.reload} />
    ) : (
      <Center h={240}>
        <Loader aria-label="Loading license" />
      </Center>
    );
  }

  const release = async (lease: Lease) => {
    setReleasing(lease.id);
    try {
      const released = await api.leases.release(lease.id);
      // Leases with one client id share a seat, and releasing one ends them all: say so.
      const ended = released?.leasesEnded ?? 1;
      notifySuccess(
        lease.clientId === null
          ? 'Released the lease of an anonymous client'
          : `Released the seat of ${lease.clientId}${ended > 1 ? ` (${ended} leases ended)` : ''}`,
      );
      leases.reload();
      license.reload();
    } catch (error) {
      notifyError(error, lease.clientId === null ? 'Could not release the lease' : 'Could not release the seat');
    } finally {
      setReleasing(null);
    }
  };

  const grants = grantsOf(l.featureIds, catalog.data);
  const expired = isPast(l.expiry);

  return (
    <>
      <PageHeader
        before={back}
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
            for <CustomerName id={l.customerId} />
          </>
        }
        actions={
          canWrite && (
            <>
              <Button component={Link} to={`/licenses/${encodeURIComponent(l.id)}/edit`} variant="default" leftSection={<IconPencil size={16} />}>
                Edit
              </Button>
              <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={() => setDeleting(true)}>
                Delete
              </Button>
            </>
          )
        }
      />
      <Stack gap="lg">
        <Card withBorder padding="lg" radius="md">
          <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="lg">
            <Field label="Leases in use">
              <LeaseUsage license={l} width={160} />
            </Field>
            <Field label="Lease limit">{l.leaseLimit === null ? 'Unlimited' : l.leaseLimit}</Field>
            <Field label="Expiry">
              <Group gap="xs">
                <ExpiryBadge expiry={l.expiry} />
                {l.expiry && (
                  <Text size="xs" c="dimmed">
                    {formatDateTime(l.expiry)}
                  </Text>
                )}
              </Group>
            </Field>
            <Field label="Created">
              {formatDateTime(l.createdAt)}
              <Text size="xs" c="dimmed">
                updated {fromNow(l.updatedAt)}
              </Text>
            </Field>
          </SimpleGrid>
          {l.comment && (
            <Stack mt="lg" gap={0}>
              <Field label="Comment">
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {l.comment}
                </Text>
              </Field>
            </Stack>
          )}
        </Card>

        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <Card withBorder padding="lg" radius="md">
            <Title order={3} size="h4" mb="sm">
              Key codes
            </Title>
            <Stack gap="xs">
              {l.keys.map((key) => (
                <Group key={key} gap="xs" wrap="nowrap">
                  <Code fz="sm" style={{ flex: 1, overflowWrap: 'anywhere' }}>
                    {key}
                  </Code>
                  <CopyValue value={key} label={`key ${key}`} />
                </Group>
              ))}
            </Stack>
          </Card>
          <Card withBorder padding="lg" radius="md">
            <Title order={3} size="h4" mb="sm">
              Grants
            </Title>
            {catalog.data ? (
              grants.length > 0 ? (
                <Stack gap="sm">
                  {grants.map((g) => (
                    <div key={g.productId}>
                      <Text size="sm" fw={600} ff="monospace">
                        {g.product}
                      </Text>
                      <Group gap={6} mt={4}>
                        {g.features.map((f) => (
                          <Badge key={f} variant="light" color="teal" style={{ textTransform: 'none' }}>
                            {f}
                          </Badge>
                        ))}
                      </Group>
                    </div>
                  ))}
                </Stack>
              ) : (
                <Text size="sm" c="dimmed">
                  This license grants no feature.
                </Text>
              )
            ) : (
              <Loader size="xs" aria-label="Loading features" />
            )}
          </Card>
        </SimpleGrid>

        <Card withBorder padding="lg" radius="md">
          <Group justify="space-between" mb="sm" wrap="wrap">
            <Group gap="sm">
              <Title order={3} size="h4">
                Leases
              </Title>
              {leases.loading && <Loader size="xs" aria-label="Loading leases" />}
            </Group>
            <SegmentedControl
              size="xs"
              aria-label="Lease state"
              value={stateFilter}
              onChange={(v) => {
                setStateFilter(v as LeaseState | 'all');
                setLeasePage(1);
              }}
              data={[
                { value: 'active', label: 'Active' },
                { value: 'all', label: 'All' },
                { value: 'released', label: 'Released' },
                { value: 'superseded', label: 'Superseded' },
                { value: 'revoked', label: 'Revoked' },
              ]}
            />
          </Group>
          {leases.error && <ErrorAlert error={leases.error} onRetry={leases.reload} />}
          <Table.ScrollContainer minWidth={640}>
            <Table aria-label="Leases">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>State</Table.Th>
                  <Table.Th>Client id</Table.Th>
                  <Table.Th>Issued</Table.Th>
                  <Table.Th>Expiry</Table.Th>
                  <Table.Th>Ended</Table.Th>
                  {canWrite && <Table.Th />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {leases.data?.items.map((lease) => {
                  const lapsed = lease.state === 'active' && isPast(lease.expiry);
                  return (
                    <Table.Tr key={lease.id}>
                      <Table.Td>
                        <Badge variant="light" color={lapsed ? 'orange' : LEASE_STATE_COLOR[lease.state]}>
                          {lapsed ? 'expired' : lease.state}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" ff="monospace">
                          {lease.clientId ?? '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Tooltip label={fromNow(lease.issuedAt)}>
                          <span>{formatDateTime(lease.issuedAt)}</span>
                        </Tooltip>
                      </Table.Td>
                      <Table.Td>
                        <Tooltip label={fromNow(lease.expiry)}>
                          <span>{formatDateTime(lease.expiry)}</span>
                        </Tooltip>
                      </Table.Td>
                      <Table.Td>{formatDateTime(lease.endedAt)}</Table.Td>
                      {canWrite && (
                        <Table.Td ta="right">
                          {lease.state === 'active' && !lapsed && (
                            <Button
                              size="compact-sm"
                              variant="light"
                              color="orange"
                              loading={releasing === lease.id}
                              disabled={releasing !== null && releasing !== lease.id}
                              onClick={() => void release(lease)}
                              aria-label={`Release lease of ${lease.clientId ?? lease.id}`}
                            >
                              Release
                            </Button>
                          )}
                        </Table.Td>
                      )}
                    </Table.Tr>
                  );
                })}
                {leases.data && leases.data.items.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={canWrite ? 6 : 5}>
                      <Text size="sm" c="dimmed" ta="center" py="md">
                        {stateFilter === 'active' ? 'No active leases.' : 'No leases.'}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {leases.data && <ListFooter total={leases.data.total} page={leasePage} pageSize={LEASE_PAGE} onPage={setLeasePage} label="leases" />}
        </Card>

        <UsageChart
          title="Usage"
          range={range}
          onRangeChange={setRange}
          points={usage.data?.points}
          series={[
            { name: 'peakLeases', label: 'Peak leases', color: 'blue.6' },
            { name: 'refused', label: 'Refused obtains', color: 'red.6' },
          ]}
          loading={usage.loading}
          error={usage.error}
          onRetry={usage.reload}
          limit={l.leaseLimit}
        />
      </Stack>

      {canWrite && (
        <ConfirmModal
          opened={deleting}
          onClose={() => setDeleting(false)}
          title="Delete license"
          confirmLabel="Delete license"
          onConfirm={async () => {
            await api.licenses.remove(l.id);
            notifySuccess('License deleted');
            navigate('/licenses', { replace: true });
          }}
        >
          Delete this license? Its key codes stop working and its {l.leasesUsed} active lease(s) are revoked at once. This cannot be undone.
        </ConfirmModal>
      )}
    </>
  );
}
