import { Anchor, Text, VisuallyHidden } from '@mantine/core';
import { Link, useNavigate } from 'react-router';
import type { License } from '../api/types';
import type { Sorting } from '../lib/sorting';
import type { Catalog } from '../lib/useCatalog';
import { grantsOf } from '../lib/useCatalog';
import { CopyValue } from './CopyValue';
import { CustomerName } from './CustomerName';
import { ExpiryBadge, LeaseUsage } from './LicenseBits';
import { ResourceTable, type Column } from './list/ResourceTable';

/** The first 5 characters of a key code (a group of a generated one), then an ellipsis. */
export function shortKey(key: string): string {
  return key.length > 8 ? `${key.slice(0, 5)}…` : key;
}

const licensePath = (license: License) => `/licenses/${encodeURIComponent(license.id)}`;

function columns(catalog: Catalog | undefined, showCustomer: boolean): (Column<License> | false)[] {
  return [
    showCustomer && { header: 'Customer', cell: (license) => <CustomerName id={license.customerId} name={license.customerName} />, sortKey: 'customer' },
    {
      header: 'Products',
      cell: (license) => (
        <Text size="sm" lineClamp={2}>
          {catalog
            ? grantsOf(license.featureIds, catalog)
                .map((g) => g.product)
                .join(', ') || '—'
            : `${license.featureIds.length} features`}
        </Text>
      ),
    },
    { header: 'Leases', cell: (license) => <LeaseUsage license={license} />, sortKey: 'leasesUsed' },
    { header: 'Expiry', cell: (license) => <ExpiryBadge expiry={license.expiry} />, sortKey: 'expiry' },
    {
      header: 'License',
      cell: (license) => (
        <Anchor
          component={Link}
          to={licensePath(license)}
          size="sm"
          ff="monospace"
          onClick={(e) => e.stopPropagation()}
          aria-label={`Open license ${license.keys[0] ?? license.id}`}
          title={license.keys.join(', ')}
          style={{ whiteSpace: 'nowrap' }}
        >
          {/* Compact: the start of the key, which is enough to tell licenses apart. */}
          {shortKey(license.keys[0] ?? license.id)}
          {license.keys.length > 1 ? ` +${license.keys.length - 1}` : ''}
        </Anchor>
      ),
    },
    {
      header: <VisuallyHidden>Copy</VisuallyHidden>,
      cell: (license) => license.keys[0] && <CopyValue value={license.keys[0]} label={`key ${license.keys[0]}`} size="sm" />,
      ownClicks: true,
      width: 40,
    },
  ];
}

/** A compact table of licenses (dashboard, customer page): customer, products, leases, expiry; sortable where the list is paged by the server. */
export function LicenseTable({
  licenses,
  label,
  catalog,
  showCustomer = true,
  sorting,
  empty,
}: {
  licenses: License[];
  label: string;
  catalog?: Catalog;
  showCustomer?: boolean;
  sorting?: Sorting;
  empty: string;
}) {
  const navigate = useNavigate();
  if (licenses.length === 0) {
    return (
      <Text size="sm" c="dimmed" py="sm">
        {empty}
      </Text>
    );
  }
  return (
    <ResourceTable
      label={label}
      minWidth={480}
      columns={columns(catalog, showCustomer)}
      rows={licenses}
      rowKey={(license) => license.id}
      onRowClick={(license) => navigate(licensePath(license))}
      sorting={sorting}
      empty={empty}
    />
  );
}
