import { Table, Text } from '@mantine/core';
import type { AuditEvent } from '../../api/types';
import { formatLocalTime } from '../../lib/format';
import type { ReferenceLookup } from './references';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
/** Fields that hold the id of another record, and its kind. */
const ID_FIELDS: Record<string, string> = { customerId: 'customer', productId: 'product', licenseId: 'license', userId: 'user' };

/** A recorded value as a reader wants it: times in their zone, ids by name, lists joined, nothing as a dash. */
export function formatValue(field: string, value: unknown, lookup: ReferenceLookup): string {
  if (value === undefined || value === null || value === '') return '—';
  if (field === 'featureIds' && Array.isArray(value)) return value.map((id) => lookup('feature', String(id))?.name ?? String(id)).join(', ') || '—';
  if (ID_FIELDS[field] && typeof value === 'string') {
    const ref = lookup(ID_FIELDS[field], value);
    return ref?.name ? `${ref.name}${ref.exists ? '' : ' (deleted)'}` : value;
  }
  if (typeof value === 'string') return ISO_TIME.test(value) ? formatLocalTime(value) : value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map((v) => formatValue('', v, lookup)).join(', ') || '—';
  const named = value as { username?: unknown; name?: unknown };
  if (typeof named.username === 'string') return named.username;
  if (typeof named.name === 'string') return named.name;
  return JSON.stringify(value);
}

/** `leaseLimit` → `Lease limit`; `featureIds` → `Features`. */
export function fieldLabel(field: string): string {
  const words = field.replace(/Ids?$/, (m) => (m === 'Ids' ? 's' : '')).replace(/([a-z])([A-Z])/g, '$1 $2');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

/**
 * An entry's values as a table. For a change of a record, the fields it changed, old and new; for
 * a creation or deletion, the whole record as it was made or left.
 */
export function ChangeTable({ event, lookup }: { event: AuditEvent; lookup: ReferenceLookup }) {
  const before = event.before ?? {};
  const after = event.after ?? {};
  const both = Boolean(event.before && event.after);
  const same = (k: string) => JSON.stringify(before[k]) === JSON.stringify(after[k]);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !both || !same(k));
  if (keys.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {both ? 'Nothing changed.' : 'No recorded values.'}
      </Text>
    );
  return (
    <Table aria-label={both ? 'Changed fields' : 'Recorded values'} withTableBorder withColumnBorders fz="sm">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Field</Table.Th>
          {event.before && <Table.Th>{both ? 'Before' : 'Value'}</Table.Th>}
          {event.after && <Table.Th>{both ? 'After' : 'Value'}</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {keys.map((k) => (
          <Table.Tr key={k}>
            <Table.Td title={k}>{fieldLabel(k)}</Table.Td>
            {event.before && <Table.Td style={{ overflowWrap: 'anywhere' }}>{formatValue(k, before[k], lookup)}</Table.Td>}
            {event.after && <Table.Td style={{ overflowWrap: 'anywhere' }}>{formatValue(k, after[k], lookup)}</Table.Td>}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
