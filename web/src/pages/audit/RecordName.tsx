import { Anchor, Badge, Group, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { AuditReference } from '../../api/types';
import { pathOf } from './references';

/**
 * A record by its name, linked to its page while it exists; a deleted one by the last name the
 * log recorded, marked deleted. `fallback` is shown when the log knows no name (an id, shortened).
 */
export function RecordName({ reference, fallback }: { reference: AuditReference | undefined; fallback: string }) {
  const name = reference?.name ?? fallback;
  const path = reference && pathOf(reference);
  return (
    <Group gap={6} wrap="nowrap">
      {path ? (
        <Anchor component={Link} to={path} size="sm">
          {name}
        </Anchor>
      ) : (
        <Text size="sm">{name}</Text>
      )}
      {reference && !reference.exists && (
        <Badge size="xs" variant="outline" color="gray">
          deleted
        </Badge>
      )}
    </Group>
  );
}

/** An id as a last resort: its start, the whole on hover. */
export const shortId = (id: string) => (id.length > 13 ? `${id.slice(0, 8)}…` : id);
