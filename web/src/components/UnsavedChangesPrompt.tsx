import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { UnsavedChanges } from '../lib/useUnsavedChanges';

/** Asks before a navigation that would lose a form's unsaved changes. */
export function UnsavedChangesPrompt({ unsaved }: { unsaved: UnsavedChanges }) {
  const { blocker } = unsaved;
  const open = blocker.state === 'blocked';
  return (
    <Modal opened={open} onClose={() => blocker.reset?.()} title="Leave without saving?" centered>
      <Stack>
        <Text size="sm">Your changes on this form have not been saved. If you leave now, they are lost.</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => blocker.reset?.()}>
            Stay on the form
          </Button>
          <Button color="red" onClick={() => blocker.proceed?.()}>
            Leave and lose changes
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
