import { Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { api } from '../api/endpoints';
import type { AuditEvent } from '../api/types';
import { ExportButton } from '../components/list/ExportButton';
import { ListPage } from '../components/list/ListPage';
import { ResourceList } from '../components/list/ResourceList';
import { formatDateTime } from '../lib/format';
import { useApi } from '../lib/useApi';
import { AuditFilters } from './audit/AuditFilters';
import { auditColumns } from './audit/auditColumns';
import { ChangeTable } from './audit/ChangeTable';
import { useAuditFilters } from './audit/useAuditFilters';

export function AuditPage() {
  const filters = useAuditFilters();
  const events = useApi((signal) => api.audit.list(filters.query, signal), filters.deps);
  const [open, setOpen] = useState<AuditEvent | null>(null);

  return (
    <ListPage
      title="Audit log"
      description="Who changed what, and when."
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
        columns={auditColumns(setOpen)}
        rowKey={(event) => event.id}
        empty={filters.filtered ? 'No event matches these filters.' : 'Nothing recorded yet.'}
      />
      <Modal opened={open !== null} onClose={() => setOpen(null)} title={open ? `${open.action} ${open.resourceType}` : ''} size="xl">
        {open && (
          <Stack gap="sm">
            <Text size="sm" c="dimmed">
              {formatDateTime(open.at)} by {open.actor.name} ({open.actor.type}){open.resourceId ? ` · ${open.resourceId}` : ''}
            </Text>
            <ChangeTable event={open} />
          </Stack>
        )}
      </Modal>
    </ListPage>
  );
}
