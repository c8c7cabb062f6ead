import { Card, Group, Text, ThemeIcon } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** One figure of the dashboard, with its icon and what it counts; the whole card links to the list behind the figure. */
export function Stat({ label, value, icon, color, hint, to }: { label: string; value: ReactNode; icon: ReactNode; color: string; hint?: string; to: string }) {
  return (
    <Card withBorder padding="lg" radius="md" component={Link} to={to} aria-label={`${label}: ${typeof value === 'number' ? value : '…'}${hint ? `, ${hint}` : ''}`}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
            {label}
          </Text>
          <Text fw={700} fz={28} lh={1.2} mt={4}>
            {value}
          </Text>
          {hint && (
            <Text size="xs" c="dimmed" mt={2}>
              {hint}
            </Text>
          )}
        </div>
        <ThemeIcon variant="light" color={color} size={40} radius="md">
          {icon}
        </ThemeIcon>
      </Group>
    </Card>
  );
}
