import { Badge, Button, Code, Group, Text, Tooltip } from '@mantine/core';
import { IconRobot, IconUser } from '@tabler/icons-react';
import type { AuditEvent } from '../../api/types';
import type { Column } from '../../components/list/ResourceTable';
import { formatDateTime, fromNow } from '../../lib/format';

const ACTION_COLOR: Record<string, string> = { create: 'teal', update: 'blue', delete: 'red', release: 'orange', rotate: 'grape' };

/** The audit log's columns; `onOpen` shows an event's changes. */
export function auditColumns(onOpen: (event: AuditEvent) => void): Column<AuditEvent>[] {
  return [
    {
      header: 'When',
      sortKey: 'at',
      cell: (event) => (
        <Tooltip label={fromNow(event.at)}>
          <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
            {formatDateTime(event.at)}
          </Text>
        </Tooltip>
      ),
    },
    {
      header: 'Actor',
      sortKey: 'actor',
      cell: (event) => (
        <Group gap={6} wrap="nowrap">
          {event.actor.type === 'token' ? <IconRobot size={16} aria-label="API token" /> : <IconUser size={16} aria-label="User" />}
          <Text size="sm">{event.actor.name}</Text>
        </Group>
      ),
    },
    {
      header: 'Action',
      sortKey: 'action',
      cell: (event) => (
        <Badge variant="light" color={ACTION_COLOR[event.action] ?? 'gray'} style={{ textTransform: 'none' }}>
          {event.action}
        </Badge>
      ),
    },
    {
      header: 'Resource',
      sortKey: 'resourceType',
      cell: (event) => (
        <>
          <Text size="sm">{event.resourceType}</Text>
          {event.resourceId && (
            <Code fz="xs" title={event.resourceId}>
              {event.resourceId.length > 13 ? `${event.resourceId.slice(0, 13)}…` : event.resourceId}
            </Code>
          )}
        </>
      ),
    },
    {
      header: 'Changes',
      cell: (event) =>
        event.before || event.after ? (
          <Button size="compact-xs" variant="light" onClick={() => onOpen(event)} aria-label={`Show changes of ${event.action} ${event.resourceType} at ${formatDateTime(event.at)}`}>
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
