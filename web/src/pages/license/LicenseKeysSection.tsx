import { Code, Group, Stack } from '@mantine/core';
import { CopyValue } from '../../components/CopyValue';
import { DetailSection } from '../../components/detail/DetailSection';

/** The key codes customers enter, each with a copy button. */
export function LicenseKeysSection({ keys }: { keys: string[] }) {
  return (
    <DetailSection title="Key codes">
      <Stack gap="xs">
        {keys.map((key) => (
          <Group key={key} gap="xs" wrap="nowrap">
            <Code fz="sm" style={{ flex: 1, overflowWrap: 'anywhere' }}>
              {key}
            </Code>
            <CopyValue value={key} label={`key ${key}`} />
          </Group>
        ))}
      </Stack>
    </DetailSection>
  );
}
