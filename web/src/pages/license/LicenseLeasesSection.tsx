import { Badge, Button, Group, SegmentedControl, Text, Tooltip } from '@mantine/core';
import type { Lease } from '../../api/types';
import { ConfirmAction } from '../../components/ConfirmAction';
import { DetailSection } from '../../components/detail/DetailSection';
import { LEASE_STATE_COLOR } from '../../components/LicenseBits';
import { ExportButton } from '../../components/list/ExportButton';
import { ResourceList } from '../../components/list/ResourceList';
import { actionsColumn, type Column } from '../../components/list/ResourceTable';
import { formatDateTime, fromNow, isPast } from '../../lib/format';
import { useConfirmation } from '../../lib/useConfirmation';
import { useNow } from '../../lib/useNow';
import type { LeaseFilter, LeasesState } from './useLeases';

const FILTERS: { value: LeaseFilter; label: string }[] = [
  { value: 'active', label: 'Active' },
  { value: 'all', label: 'All' },
  { value: 'released', label: 'Released' },
  { value: 'superseded', label: 'Superseded' },
  { value: 'expired', label: 'Expired' },
  { value: 'revoked', label: 'Revoked' },
];

/** Active, but past its expiry and not yet marked expired by housekeeping: shown as expired, and there is nothing left to release. */
const lapsed = (lease: Lease, now: number) => lease.state === 'active' && isPast(lease.expiry, now);

function When({ at }: { at: string }) {
  return (
    <Tooltip label={fromNow(at)}>
      <span>{formatDateTime(at)}</span>
    </Tooltip>
  );
}

const columnsAt = (now: number): Column<Lease>[] => [
  {
    header: 'State',
    cell: (lease) => (
      <Badge variant="light" color={lapsed(lease, now) ? 'orange' : LEASE_STATE_COLOR[lease.state]}>
        {lapsed(lease, now) ? 'expired' : lease.state}
      </Badge>
    ),
    sortKey: 'state',
  },
  {
    header: 'Client id',
    cell: (lease) => (
      <Text size="sm" ff="monospace">
        {lease.clientId ?? '—'}
      </Text>
    ),
    sortKey: 'clientId',
  },
  { header: 'Issued', cell: (lease) => <When at={lease.issuedAt} />, sortKey: 'issuedAt' },
  { header: 'Expiry', cell: (lease) => <When at={lease.expiry} />, sortKey: 'expiry' },
  { header: 'Ended', cell: (lease) => formatDateTime(lease.endedAt), sortKey: 'endedAt' },
];

/** A license's leases by state, with Release for those who may change licenses. */
export function LicenseLeasesSection({ state, canWrite }: { state: LeasesState; canWrite: boolean }) {
  const { leases, paging, filter, setFilter, releasing, release } = state;
  const now = useNow();
  // Asked, not undoable: a released lease's code is refused from then on, and the server has no way back.
  const releaseConfirmation = useConfirmation<Lease>();

  const releaseColumn = actionsColumn<Lease>(
    (lease) =>
      lease.state === 'active' &&
      !lapsed(lease, now) && (
        <Button
          size="compact-sm"
          variant="light"
          color="orange"
          loading={releasing === lease.id}
          disabled={releasing !== null && releasing !== lease.id}
          onClick={() => releaseConfirmation.ask(lease)}
          aria-label={`Release lease of ${lease.clientId ?? lease.id}`}
        >
          Release
        </Button>
      ),
    undefined,
    { ta: 'right' },
  );

  return (
    <DetailSection
      title="Leases"
      loading={leases.loading}
      loadingLabel="Loading leases"
      actions={
        <Group gap="sm">
          <SegmentedControl size="xs" aria-label="Lease state" value={filter} onChange={(v) => setFilter(v)} data={FILTERS} />
          <ExportButton path={state.exportPath} query={{ ...state.exportQuery }} />
        </Group>
      }
    >
      <ResourceList
        resource={leases}
        paging={paging}
        sorting={paging.sorting}
        noun="leases"
        label="Leases"
        minWidth={640}
        columns={[...columnsAt(now), canWrite && releaseColumn]}
        rowKey={(lease) => lease.id}
        empty={filter === 'active' ? 'No active leases.' : 'No leases.'}
        emptyPadding="md"
      />
      <ConfirmAction
        confirmation={releaseConfirmation}
        title={(lease) => (lease.clientId === null ? 'Release this lease?' : `Release the seat of ${lease.clientId}?`)}
        confirmLabel="Release"
        color="orange"
        onConfirm={release}
      >
        {(lease) =>
          lease.clientId === null ? (
            <>The lease ends at once: the application's lease code is refused, and it must obtain a new lease, which it gets only while a seat is free.</>
          ) : (
            <>
              Every active lease of this license with the client id <b>{lease.clientId}</b> ends at once: the application's lease code is refused, and it must obtain a new lease, which it gets only
              while a seat is free.
            </>
          )
        }
      </ConfirmAction>
    </DetailSection>
  );
}
