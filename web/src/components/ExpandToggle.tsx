import { ActionIcon } from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';

/** The chevron that opens or closes a product in a tree: "Expand cad-suite" / "Collapse cad-suite". */
export function ExpandToggle({
  name,
  expanded,
  disabled,
  onToggle,
  iconSize,
  pointsDown = expanded,
}: {
  name: string;
  expanded: boolean;
  disabled: boolean;
  onToggle: () => void;
  iconSize: number;
  /** The chevron points down (open); an expanded node without children may show it closed. */
  pointsDown?: boolean;
}) {
  return (
    <ActionIcon
      variant="subtle"
      color="gray"
      // 24 px: the smallest target WCAG 2.2 allows (2.5.8).
      size={24}
      aria-label={`${expanded ? 'Collapse' : 'Expand'} ${name}`}
      disabled={disabled}
      onClick={(e) => {
        // The node itself must not take the click as a selection.
        e.stopPropagation();
        onToggle();
      }}
    >
      {pointsDown ? <IconChevronDown size={iconSize} /> : <IconChevronRight size={iconSize} />}
    </ActionIcon>
  );
}
