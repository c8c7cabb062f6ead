import { Card, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import type { License } from '../../api/types';
import { Field } from '../../components/detail/Field';
import { ExpiryBadge, LeaseUsage } from '../../components/LicenseBits';
import { formatDateTime, formatLimit, fromNow } from '../../lib/format';

/** Seats in use, limit, expiry, dates and comment of a license. */
export function LicenseSummary({ license }: { license: License }) {
  return (
    <Card withBorder padding="lg" radius="md">
      <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="lg">
        <Field label="Leases in use">
          <LeaseUsage license={license} width={160} />
        </Field>
        <Field label="Lease limit">{formatLimit(license.leaseLimit)}</Field>
        <Field label="Expiry">
          <Group gap="xs">
            <ExpiryBadge expiry={license.expiry} />
            {license.expiry && (
              <Text size="xs" c="dimmed">
                {formatDateTime(license.expiry)}
              </Text>
            )}
          </Group>
        </Field>
        <Field label="Created">
          {formatDateTime(license.createdAt)}
          <Text size="xs" c="dimmed">
            updated {fromNow(license.updatedAt)}
          </Text>
        </Field>
      </SimpleGrid>
      {license.comment && (
        <Stack mt="lg" gap={0}>
          <Field label="Comment" preWrap>
            {license.comment}
          </Field>
        </Stack>
      )}
    </Card>
  );
}
