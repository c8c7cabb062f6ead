import { Anchor, Table, Text } from '@mantine/core';
import { Link, useNavigate } from 'react-router';
import type { License } from '../api/types';
import type { Catalog } from '../lib/useCatalog';
import { grantsOf } from '../lib/useCatalog';
import { CustomerName } from './CustomerName';
import { ExpiryBadge, LeaseUsage } from './LicenseBits';

/** The first 5 characters of a key code (a group of a generated one), then an ellipsis. */
export function shortKey(key: string): string {
  return key.length > 8 ? `${key.slice(0, 5)}…` : key;
}

/** A compact table of licenses (dashboard, customer page): customer, products, leases, expiry. */
export function LicenseTable({ licenses, label, catalog, showCustomer = true, empty }: { licenses: License[]; label: string; catalog?: Catalog; showCustomer?: boolean; empty: string }) {
  const navigate = useNavigate();
  if (licenses.length === 0) {
    return (
      <Text size="sm" c="dimmed" py="sm">
        {empty}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            {showCustomer && <Table.Th>Customer</Table.Th>}
            <Table.Th>Products</Table.Th>
            <Table.Th>Leases</Table.Th>
            <Table.Th>Expiry</Table.Th>
            <Table.Th>License</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {licenses.map((license) => (
            <Table.Tr key={license.id} style={{ cursor: 'pointer' }} onClick={() => navigate(`/licenses/${encodeURIComponent(license.id)}`)}>
              {showCustomer && (
                <Table.Td>
                  <CustomerName id={license.customerId} />
                </Table.Td>
              )}
              <Table.Td>
                <Text size="sm" lineClamp={2}>
                  {catalog ? grantsOf(license.featureIds, catalog).map((g) => g.product).join(', ') || '—' : `${license.featureIds.length} features`}
                </Text>
              </Table.Td>
              <Table.Td>
                <LeaseUsage license={license} />
              </Table.Td>
              <Table.Td>
                <ExpiryBadge expiry={license.expiry} />
              </Table.Td>
              <Table.Td>
                <Anchor
                  component={Link}
                  to={`/licenses/${encodeURIComponent(license.id)}`}
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
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
