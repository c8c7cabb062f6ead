import { Group, Modal, Stack, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import { api } from '../api/endpoints';
import type { AuditEvent } from '../api/types';
import { ExportButton } from '../components/list/ExportButton';
import { ListPage } from '../components/list/ListPage';
import { ResourceList } from '../components/list/ResourceList';
import { useApi } from '../lib/useApi';
import { AuditFilters } from './audit/AuditFilters';
import { EntryTarget, EntryTime, actionLabel, auditColumns } from './audit/auditColumns';
import { ChangeTable } from './audit/ChangeTable';
import { referenceLookup } from './audit/references';
import { useAuditFilters } from './audit/useAuditFilters';

export function AuditPage() {
  const filters = useAuditFilters();
  const events = useApi((signal) => api.audit.list(filters.query, signal), filters.deps);
  const [open, setOpen] = useState<AuditEvent | null>(null);
  const lookup = useMemo(() => referenceLookup(events.data?.references), [events.data]);

  return (
    <ListPage
      title="Audit log"
      description="Who changed what, and when; sign-ins too."
      actions={<ExportButton path="/audit/export.csv" query={{ ...filters.exportQuery }} />}
      toolbar={<AuditFilters filters={filters} loading={events.loading} />}
    >
      <ResourceList
        resource={events}
        paging={filters.list}
        sorting={filters.list.sorting}
        noun="events"
        label="Audit log"
        minWidth={760}
        columns={auditColumns(setOpen, lookup)}
        rowKey={(event) => event.id}
        empty={filters.filtered ? 'No event matches these filters.' : 'Nothing recorded yet.'}
      />
      <Modal opened={open !== null} onClose={() => setOpen(null)} title={open ? `${open.actor.name} ${actionLabel(open.action)} a ${open.resourceType.replaceAll('_', ' ')}` : ''} size="xl">
        {open && (
          <Stack gap="sm">
            <Group gap="md" align="flex-start">
              <EntryTime at={open.at} />
              <div>
                <EntryTarget event={open} lookup={lookup} />
              </div>
            </Group>
            <Text size="sm" c="dimmed">
              By {open.actor.name} ({open.actor.type === 'token' ? 'API token' : 'user'})
            </Text>
            <ChangeTable event={open} lookup={lookup} />
          </Stack>
        )}
      </Modal>
    </ListPage>
  );
}
