import { Code, Group } from '@mantine/core';
import { CopyValue } from '../../CopyValue';
import { DetailSection } from '../../detail/DetailSection';

/** The URL applications call, to copy into their configuration. */
export function LicensingEndpointSection({ endpoint }: { endpoint: string }) {
  return (
    <DetailSection title="Licensing endpoint" description="The URL your applications call to validate keys and take leases.">
      <Group gap="xs" wrap="nowrap">
        <Code block style={{ flex: 1, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }} aria-label="Licensing endpoint">
          {endpoint}
        </Code>
        <CopyValue value={endpoint} label="licensing endpoint" />
      </Group>
    </DetailSection>
  );
}
