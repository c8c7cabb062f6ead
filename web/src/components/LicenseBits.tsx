import { Badge, Group, Progress, Stack, Text, Tooltip } from '@mantine/core';
import type { License } from '../api/types';
import { formatDate, fromNow, isPast } from '../lib/format';
import { useNow } from '../lib/useNow';

/** Never / the date / Expired, colored by how soon; never cut short by a narrow table column. */
export function ExpiryBadge({ expiry }: { expiry: string | null }) {
  const now = useNow();
  if (!expiry) {
    return (
      <Badge variant="light" color="gray" miw="max-content">
        Never
      </Badge>
    );
  }
  if (isPast(expiry, now)) {
    return (
      <Tooltip label={`Expired ${fromNow(expiry)}`}>
        <Badge variant="filled" color="red" miw="max-content">
          Expired {formatDate(expiry)}
        </Badge>
      </Tooltip>
    );
  }
  const soon = Date.parse(expiry) - now < 30 * 86_400_000;
  return (
    <Tooltip label={`Expires ${fromNow(expiry)}`}>
      <Badge variant="light" color={soon ? 'orange' : 'blue'} miw="max-content">
        {formatDate(expiry)}
      </Badge>
    </Tooltip>
  );
}

/** "3 / 10" with a bar; "3 / ∞" for unlimited. */
export function LeaseUsage({ license, width = 120 }: { license: Pick<License, 'leasesUsed' | 'leaseLimit'>; width?: number }) {
  const { leasesUsed, leaseLimit } = license;
  const ratio = leaseLimit ? Math.min(1, leasesUsed / leaseLimit) : 0;
  const color = leaseLimit && leasesUsed >= leaseLimit ? 'red' : ratio >= 0.8 ? 'orange' : 'teal';
  return (
    <Stack gap={4} w={width}>
      <Group gap={4} justify="space-between">
        <Text size="sm" fw={500}>
          {leasesUsed} / {leaseLimit ?? '∞'}
        </Text>
        {leaseLimit !== null && leasesUsed >= leaseLimit && (
          <Badge size="xs" color="red" variant="light">
            at limit
          </Badge>
        )}
      </Group>
      {leaseLimit !== null && <Progress value={ratio * 100} color={color} size="sm" aria-label={`${leasesUsed} of ${leaseLimit} seats in use`} />}
    </Stack>
  );
}

export const LEASE_STATE_COLOR: Record<string, string> = { active: 'teal', released: 'gray', superseded: 'blue', expired: 'orange', revoked: 'red' };
