import { Badge, Button, Group, Text, Tooltip } from '@mantine/core';
import { IconRobot, IconUser } from '@tabler/icons-react';
import type { AuditEvent } from '../../api/types';
import type { Column } from '../../components/list/ResourceTable';
import { formatLocalTime } from '../../lib/format';
import { RecordName, shortId } from './RecordName';
import type { ReferenceLookup } from './references';

const ACTION_COLOR: Record<string, string> = { create: 'teal', update: 'blue', delete: 'red', release: 'orange', rotate: 'grape', sign_in: 'teal', sign_in_failed: 'red', sign_in_throttled: 'red' };

/** What an action is called on screen; an action the app does not know yet shows as recorded. */
export const ACTION_LABEL: Record<string, string> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
  release: 'released',
  rotate: 'rotated',
  change_password: 'changed password',
  reset_password: 'reset password',
  sign_in: 'signed in',
  sign_in_failed: 'sign-in failed',
  sign_in_throttled: 'sign-in blocked',
};

export const actionLabel = (action: string) => ACTION_LABEL[action] ?? action.replaceAll('_', ' ');

/** The time of an entry in the viewer's zone; the exact ISO time on hover. */
export function EntryTime({ at }: { at: string }) {
  return (
    <Tooltip label={at}>
      <Text size="sm" component="time" dateTime={at} title={at} style={{ whiteSpace: 'nowrap' }}>
        {formatLocalTime(at)}
      </Text>
    </Tooltip>
  );
}

/** The record an entry is about: by name and link; a lease by its license; a kind the log cannot name by a short id. */
export function EntryTarget({ event, lookup }: { event: AuditEvent; lookup: ReferenceLookup }) {
  const id = event.resourceId;
  const values = (event.after ?? event.before ?? {}) as { licenseId?: unknown; clientId?: unknown };
  let target = id ? <RecordName reference={lookup(event.resourceType, id)} fallback={shortId(id)} /> : null;
  if (event.resourceType === 'lease' && typeof values.licenseId === 'string') {
    target = (
      <Group gap={4} wrap="nowrap">
        <Text size="sm">{typeof values.clientId === 'string' ? values.clientId : 'a lease'} of</Text>
        <RecordName reference={lookup('license', values.licenseId)} fallback={shortId(values.licenseId)} />
      </Group>
    );
  }
  return (
    <>
      <Text size="xs" c="dimmed">
        {event.resourceType.replaceAll('_', ' ')}
      </Text>
      {target}
    </>
  );
}

/** Who made an entry, by the name recorded with it (what they were called then), linked while the account or token exists. */
function ActorName({ event, lookup }: { event: AuditEvent; lookup: ReferenceLookup }) {
  const ref = lookup(event.actor.type, event.actor.id);
  return <RecordName reference={ref && { ...ref, name: event.actor.name }} fallback={event.actor.name} />;
}

/** The audit log's columns; `onOpen` shows an entry's changes, `lookup` names what entries refer to. */
export function auditColumns(onOpen: (event: AuditEvent) => void, lookup: ReferenceLookup): Column<AuditEvent>[] {
  return [
    { header: 'When', sortKey: 'at', cell: (event) => <EntryTime at={event.at} /> },
    {
      header: 'Actor',
      sortKey: 'actor',
      cell: (event) => (
        <Group gap={6} wrap="nowrap">
          {event.actor.type === 'token' ? <IconRobot size={16} aria-label="API token" /> : <IconUser size={16} aria-label="User" />}
          <ActorName event={event} lookup={lookup} />
        </Group>
      ),
    },
    {
      header: 'Action',
      sortKey: 'action',
      cell: (event) => (
        <Badge variant="light" color={ACTION_COLOR[event.action] ?? 'gray'} style={{ textTransform: 'none' }}>
          {actionLabel(event.action)}
        </Badge>
      ),
    },
    { header: 'Resource', sortKey: 'resourceType', cell: (event) => <EntryTarget event={event} lookup={lookup} /> },
    {
      header: 'Changes',
      cell: (event) =>
        event.before || event.after ? (
          <Button size="compact-xs" variant="light" onClick={() => onOpen(event)} aria-label={`Show changes of ${actionLabel(event.action)} ${event.resourceType} at ${formatLocalTime(event.at)}`}>
            Details
          </Button>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        ),
    },
  ];
}
