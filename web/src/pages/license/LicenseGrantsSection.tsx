import { Badge, Group, Loader, Stack, Text } from '@mantine/core';
import { DetailSection } from '../../components/detail/DetailSection';
import { grantsOf, type Catalog } from '../../lib/useCatalog';

/** The features a license grants, grouped by product; a loader until the catalog names them. */
export function LicenseGrantsSection({ featureIds, catalog }: { featureIds: string[]; catalog: Catalog | undefined }) {
  const grants = grantsOf(featureIds, catalog);
  return (
    <DetailSection title="Grants">
      {!catalog ? (
        <Loader size="xs" aria-label="Loading features" />
      ) : grants.length === 0 ? (
        <Text size="sm" c="dimmed">
          This license grants no feature.
        </Text>
      ) : (
        <Stack gap="sm">
          {grants.map((g) => (
            <div key={g.productId}>
              <Text size="sm" fw={600} ff="monospace">
                {g.product}
              </Text>
              <Group gap={6} mt={4}>
                {g.features.map((f) => (
                  <Badge key={f} variant="light" color="teal" style={{ textTransform: 'none' }}>
                    {f}
                  </Badge>
                ))}
              </Group>
            </div>
          ))}
        </Stack>
      )}
    </DetailSection>
  );
}
