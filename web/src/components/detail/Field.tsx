import { Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** A labelled value of a detail card ("CONTACT  Hank Scorpio"); `preWrap` keeps the line breaks of free text. */
export function Field({ label, children, preWrap = false }: { label: string; children: ReactNode; preWrap?: boolean }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700} mb={4}>
        {label}
      </Text>
      <Text size="sm" component="div" style={{ overflowWrap: 'anywhere', ...(preWrap ? { whiteSpace: 'pre-wrap' } : {}) }}>
        {children}
      </Text>
    </div>
  );
}
