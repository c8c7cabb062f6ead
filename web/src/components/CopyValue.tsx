import { ActionIcon, CopyButton, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

/** An icon button that copies `value`; its accessible name is "Copy <label>". `onCopy`: told after each copy. */
export function CopyValue({ value, label, size = 'md', onCopy }: { value: string; label: string; size?: 'sm' | 'md' | 'lg'; onCopy?: () => void }) {
  return (
    <CopyButton value={value} timeout={1500}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : `Copy ${label}`} withArrow position="right" multiline maw={360} style={{ overflowWrap: 'anywhere' }}>
          <ActionIcon
            color={copied ? 'teal' : 'gray'}
            variant="subtle"
            size={size}
            onClick={() => {
              copy();
              onCopy?.();
            }}
            aria-label={`Copy ${label}`}
          >
            {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}
