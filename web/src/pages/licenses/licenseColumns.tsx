import { Anchor, Badge, Group, Text, Tooltip } from '@mantine/core';
import { IconPencil, IconTrash } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { License } from '../../api/types';
import { CopyValue } from '../../components/CopyValue';
import { CustomerName } from '../../components/CustomerName';
import { ExpiryBadge, LeaseUsage } from '../../components/LicenseBits';
import { actionsColumn, type Column } from '../../components/list/ResourceTable';
import { RowAction, RowActions } from '../../components/RowActions';
import { formatDate } from '../../lib/format';
import { grantsOf, type Catalog } from '../../lib/useCatalog';

export const licensePath = (license: License) => `/licenses/${encodeURIComponent(license.id)}`;
/** How a license is named in its buttons: its first key code. */
export const nameOf = (license: License) => license.keys[0] ?? license.id;

function Products({ license, catalog }: { license: License; catalog: Catalog | undefined }) {
  return (
    <Group gap={4}>
      {catalog ? (
        grantsOf(license.featureIds, catalog).map((g) => (
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
  );
}

function Key({ license }: { license: License }) {
  const key = license.keys[0];
  return (
    <Group gap={4} wrap="nowrap">
      {/* A generated key (29 characters) shows whole; a longer one (up to 128) ends in an ellipsis, so the row's actions stay on screen. */}
      <Anchor component={Link} to={licensePath(license)} size="sm" ff="monospace" aria-label={`Open license ${nameOf(license)}`} title={key} truncate="end" maw="30ch">
        {key ?? license.id.slice(0, 8)}
      </Anchor>
      {license.keys.length > 1 && (
        <Badge size="xs" variant="outline" color="gray">
          +{license.keys.length - 1}
        </Badge>
      )}
      {key && <CopyValue value={key} label={`key ${key}`} size="sm" />}
    </Group>
  );
}

/** The license list's columns; the actions only for those who may change licenses. */
export function licenseColumns({ catalog, canWrite, onDelete }: { catalog: Catalog | undefined; canWrite: boolean; onDelete: (license: License) => void }): (Column<License> | false)[] {
  return [
    { header: 'Customer', cell: (license) => <CustomerName id={license.customerId} name={license.customerName} />, sortKey: 'customer' },
    { header: 'Products', cell: (license) => <Products license={license} catalog={catalog} /> },
    { header: 'Leases', cell: (license) => <LeaseUsage license={license} />, sortKey: 'leasesUsed' },
    { header: 'Expiry', cell: (license) => <ExpiryBadge expiry={license.expiry} />, sortKey: 'expiry' },
    // Key codes are sealed at rest: the server cannot sort on them.
    { header: 'Key', cell: (license) => <Key license={license} />, ownClicks: true },
    { header: 'Created', cell: (license) => formatDate(license.createdAt), td: { style: { whiteSpace: 'nowrap' } }, sortKey: 'createdAt' },
    canWrite &&
      actionsColumn<License>(
        (license) => (
          <RowActions justify="flex-end">
            <RowAction tooltip="Edit" label={`Edit license ${nameOf(license)}`} icon={<IconPencil size={16} />} to={`${licensePath(license)}/edit`} />
            <RowAction tooltip="Delete" label={`Delete license ${nameOf(license)}`} icon={<IconTrash size={16} />} color="red" onClick={() => onDelete(license)} />
          </RowActions>
        ),
        90,
      ),
  ];
}
