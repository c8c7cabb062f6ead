import { Table, Text } from '@mantine/core';
import type { AuditEvent } from '../../api/types';

function show(value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return 'null';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The fields an event changed: before → after, changed ones first. */
export function ChangeTable({ event }: { event: AuditEvent }) {
  const before = event.before ?? {};
  const after = event.after ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const changed = (k: string) => show(before[k]) !== show(after[k]);
  keys.sort((a, b) => Number(changed(b)) - Number(changed(a)));
  if (keys.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No recorded values.
      </Text>
    );
  return (
    <Table aria-label="Changed fields" withTableBorder withColumnBorders fz="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Field</Table.Th>
          {event.before && <Table.Th>Before</Table.Th>}
          {event.after && <Table.Th>After</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {keys.map((k) => (
          <Table.Tr key={k} bg={event.before && event.after && changed(k) ? 'var(--mantine-color-yellow-light)' : undefined}>
            <Table.Td ff="monospace">{k}</Table.Td>
            {event.before && (
              <Table.Td ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                {show(before[k])}
              </Table.Td>
            )}
            {event.after && (
              <Table.Td ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                {show(after[k])}
              </Table.Td>
            )}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
