import { Autocomplete, Badge, Button, Card, Code, Group, Loader, Modal, SimpleGrid, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconRobot, IconUser } from '@tabler/icons-react';
import { useState } from 'react';
import { api } from '../api/endpoints';
import type { AuditEvent } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { ListFooter } from '../components/ListFooter';
import { PageHeader } from '../components/PageHeader';
import { SearchInput } from '../components/SearchInput';
import { formatDateTime, fromNow } from '../lib/format';
import { useApi } from '../lib/useApi';
import { useListParams } from '../lib/useListParams';

const PAGE_SIZE = 50;
const RESOURCE_TYPES = ['organization', 'signing_key', 'product', 'feature', 'customer', 'license', 'lease', 'user', 'token'];
const ACTIONS = ['create', 'update', 'delete', 'release', 'rotate', 'change_password', 'reset_password'];

const ACTION_COLOR: Record<string, string> = { create: 'teal', update: 'blue', delete: 'red', release: 'orange', rotate: 'grape' };

function show(value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return 'null';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The fields an event changed: before → after, changed ones first. */
function ChangeTable({ event }: { event: AuditEvent }) {
  const before = event.before ?? {};
  const after = event.after ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const changed = (k: string) => show(before[k]) !== show(after[k]);
  keys.sort((a, b) => Number(changed(b)) - Number(changed(a)));
  if (keys.length === 0) return <Text size="sm" c="dimmed">No recorded values.</Text>;
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

export function AuditPage() {
  const list = useListParams(PAGE_SIZE);
  const resourceType = list.get('resourceType');
  const action = list.get('action');
  const actor = list.get('actor');
  const [typeText, setTypeText] = useState(resourceType);
  const [actionText, setActionText] = useState(action);
  const events = useApi(
    (signal) => api.audit.list({ resourceType: resourceType || undefined, action: action || undefined, actor: actor || undefined, limit: list.limit, offset: list.offset }, signal),
    [resourceType, action, actor, list.offset],
  );
  const [open, setOpen] = useState<AuditEvent | null>(null);
  const filtered = Boolean(resourceType || action || actor);

  return (
    <>
      <PageHeader title="Audit log" description="Who changed what, and when." />
      <Card withBorder padding="md" radius="md">
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm" mb="sm">
          <Autocomplete
            aria-label="Resource type"
            placeholder="Any resource type"
            data={RESOURCE_TYPES}
            value={typeText}
            onChange={setTypeText}
            onOptionSubmit={(v) => list.set({ resourceType: v })}
            onBlur={() => list.set({ resourceType: typeText.trim() })}
            onKeyDown={(e) => e.key === 'Enter' && list.set({ resourceType: typeText.trim() })}
            clearable
            onClear={() => list.set({ resourceType: null })}
          />
          <Autocomplete
            aria-label="Action"
            placeholder="Any action"
            data={ACTIONS}
            value={actionText}
            onChange={setActionText}
            onOptionSubmit={(v) => list.set({ action: v })}
            onBlur={() => list.set({ action: actionText.trim() })}
            onKeyDown={(e) => e.key === 'Enter' && list.set({ action: actionText.trim() })}
            clearable
            onClear={() => list.set({ action: null })}
          />
          <SearchInput label="Actor" placeholder="Actor name or id" value={actor} onChange={(value) => list.set({ actor: value })} />
        </SimpleGrid>
        <Group justify="space-between" mb="sm">
          {filtered ? (
            <Button
              variant="subtle"
              size="compact-sm"
              onClick={() => {
                setTypeText('');
                setActionText('');
                list.set({ resourceType: null, action: null, actor: null });
              }}
            >
              Clear filters
            </Button>
          ) : (
            <span />
          )}
          {events.loading && <Loader size="sm" aria-label="Loading audit log" />}
        </Group>
        {events.error && <ErrorAlert error={events.error} onRetry={events.reload} />}
        <Table.ScrollContainer minWidth={760}>
          <Table aria-label="Audit log">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Actor</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Resource</Table.Th>
                <Table.Th>Changes</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {events.data?.items.map((event) => (
                <Table.Tr key={event.id}>
                  <Table.Td>
                    <Tooltip label={fromNow(event.at)}>
                      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                        {formatDateTime(event.at)}
                      </Text>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      {event.actor.type === 'token' ? <IconRobot size={16} aria-label="API token" /> : <IconUser size={16} aria-label="User" />}
                      <Text size="sm">{event.actor.name}</Text>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={ACTION_COLOR[event.action] ?? 'gray'} style={{ textTransform: 'none' }}>
                      {event.action}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{event.resourceType}</Text>
                    {event.resourceId && (
                      <Code fz="xs" title={event.resourceId}>
                        {event.resourceId.length > 13 ? `${event.resourceId.slice(0, 13)}…` : event.resourceId}
                      </Code>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {event.before || event.after ? (
                      <Button size="compact-xs" variant="light" onClick={() => setOpen(event)} aria-label={`Show changes of ${event.action} ${event.resourceType} at ${formatDateTime(event.at)}`}>
                        Details
                      </Button>
                    ) : (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
              {events.data && events.data.items.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={5}>
                    <Text size="sm" c="dimmed" ta="center" py="lg">
                      {filtered ? 'No event matches these filters.' : 'Nothing recorded yet.'}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {events.data && <ListFooter total={events.data.total} page={list.page} pageSize={PAGE_SIZE} onPage={list.setPage} label="events" />}
      </Card>
      <Modal opened={open !== null} onClose={() => setOpen(null)} title={open ? `${open.action} ${open.resourceType}` : ''} size="xl">
        {open && (
          <Stack gap="sm">
            <Text size="sm" c="dimmed">
              {formatDateTime(open.at)} by {open.actor.name} ({open.actor.type}){open.resourceId ? ` · ${open.resourceId}` : ''}
            </Text>
            <ChangeTable event={open} />
          </Stack>
        )}
      </Modal>
    </>
  );
}
