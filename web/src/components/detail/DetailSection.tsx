import { Card, Group, Loader, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

interface DetailSectionProps {
  title: string;
  /** A small loader beside the title while the section's data reloads. */
  loading?: boolean;
  loadingLabel?: string;
  /** On the right of the title: a filter, a "New" button. */
  actions?: ReactNode;
  /** A line under the title. */
  description?: ReactNode;
  children: ReactNode;
}

/** One card of a detail or settings page, titled, with what it holds. */
export function DetailSection({ title, loading = false, loadingLabel, actions, description, children }: DetailSectionProps) {
  return (
    <Card withBorder padding="lg" radius="md">
      <Group justify="space-between" mb={description ? 4 : 'sm'} wrap="wrap">
        <Group gap="sm">
          <Title order={3} size="h4">
            {title}
          </Title>
          {loading && <Loader size="xs" aria-label={loadingLabel} />}
        </Group>
        {actions}
      </Group>
      {description && (
        <Text size="sm" c="dimmed" mb="sm">
          {description}
        </Text>
      )}
      {children}
    </Card>
  );
}
