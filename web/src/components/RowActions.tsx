import { ActionIcon, Group, Tooltip, type GroupProps } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** The icon buttons of a row (edit, delete, ...), side by side. */
export function RowActions({ children, ...props }: GroupProps) {
  return (
    <Group gap={4} wrap="nowrap" {...props}>
      {children}
    </Group>
  );
}

export interface RowActionProps {
  /** The tooltip: what the button does ("Edit"). */
  tooltip: string;
  /** The accessible name: what it does to what ("Edit Globex Corporation"). */
  label: string;
  icon: ReactNode;
  onClick?: () => void;
  /** A link instead of a button. */
  to?: string;
  color?: string;
  /** 'sm' is 24 px, the smallest target WCAG 2.2 allows (2.5.8); Mantine's own sm is 22 px. */
  size?: 'sm' | 'md';
}

const pixels = (size: RowActionProps['size']) => (size === 'sm' ? 24 : size);

export function RowAction({ tooltip, label, icon, onClick, to, color, size }: RowActionProps) {
  return (
    <Tooltip label={tooltip}>
      {to ? (
        <ActionIcon component={Link} to={to} variant="subtle" color={color} size={pixels(size)} aria-label={label}>
          {icon}
        </ActionIcon>
      ) : (
        <ActionIcon variant="subtle" color={color} size={pixels(size)} aria-label={label} onClick={onClick}>
          {icon}
        </ActionIcon>
      )}
    </Tooltip>
  );
}
