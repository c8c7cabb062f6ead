import { Anchor, Card, SimpleGrid, Stack } from '@mantine/core';
import type { Customer } from '../../api/types';
import { Field } from '../../components/detail/Field';
import { formatDateTime } from '../../lib/format';

/** A customer's contact, dates and comment. */
export function CustomerSummary({ customer: c }: { customer: Customer }) {
  return (
    <Card withBorder padding="lg" radius="md">
      <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="lg">
        <Field label="Contact" preWrap>
          {c.contactName ?? '—'}
        </Field>
        <Field label="Email" preWrap>
          {c.contactEmail ? <Anchor href={`mailto:${c.contactEmail}`}>{c.contactEmail}</Anchor> : '—'}
        </Field>
        <Field label="Phone" preWrap>
          {c.phone ?? '—'}
        </Field>
        <Field label="Created">{formatDateTime(c.createdAt)}</Field>
        <Field label="Updated">{formatDateTime(c.updatedAt)}</Field>
      </SimpleGrid>
      {c.comment && (
        <Stack mt="lg" gap={0}>
          <Field label="Comment" preWrap>
            {c.comment}
          </Field>
        </Stack>
      )}
    </Card>
  );
}
