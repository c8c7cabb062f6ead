import { Badge, Card, Group, Loader, Title } from '@mantine/core';
import type { License } from '../../api/types';
import { LicenseTable } from '../../components/LicenseTable';
import type { Catalog } from '../../lib/useCatalog';

interface AttentionCardProps {
  title: string;
  color: string;
  /** Undefined while the dashboard loads. */
  licenses: License[] | undefined;
  /** The table's accessible name. */
  label: string;
  empty: string;
  catalog: Catalog | undefined;
  /** The dashboard failed to load: its alert says so, no loader here. */
  failed: boolean;
}

/** Licenses that need attention (expiring, at their limit), counted in the title. */
export function AttentionCard({ title, color, licenses, label, empty, catalog, failed }: AttentionCardProps) {
  return (
    <Card withBorder padding="lg" radius="md">
      <Group justify="space-between" mb="xs">
        <Title order={4}>{title}</Title>
        {licenses && (
          <Badge variant="light" color={color}>
            {licenses.length}
          </Badge>
        )}
      </Group>
      {licenses ? <LicenseTable licenses={licenses} label={label} catalog={catalog} empty={empty} /> : !failed && <Loader size="sm" aria-label="Loading" />}
    </Card>
  );
}
