import { Anchor, Button, Group, Loader } from '@mantine/core';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, forgetCustomer } from '../api/endpoints';
import type { Customer } from '../api/types';
import { usePermissions } from '../auth/AuthContext';
import { ConfirmAction } from '../components/ConfirmAction';
import { CustomerFormModal } from '../components/CustomerFormModal';
import { ExportButton } from '../components/list/ExportButton';
import { ListPage } from '../components/list/ListPage';
import { ResourceList } from '../components/list/ResourceList';
import { actionsColumn, type Column } from '../components/list/ResourceTable';
import { RowAction, RowActions } from '../components/RowActions';
import { SearchInput } from '../components/SearchInput';
import { formatDate } from '../lib/format';
import { notifySuccess } from '../lib/notify';
import { useApi } from '../lib/useApi';
import { useConfirmation } from '../lib/useConfirmation';
import { useListParams } from '../lib/useListParams';

const PAGE_SIZE = 25;
const customerPath = (customer: Customer) => `/customers/${encodeURIComponent(customer.id)}`;

const COLUMNS: Column<Customer>[] = [
  {
    header: 'Name',
    cell: (customer) => (
      <Anchor component={Link} to={customerPath(customer)} fw={500} size="sm" onClick={(e) => e.stopPropagation()}>
        {customer.name}
      </Anchor>
    ),
    sortKey: 'name',
  },
  { header: 'Contact', cell: (customer) => customer.contactName ?? '—', sortKey: 'contactName' },
  { header: 'Email', cell: (customer) => customer.contactEmail ?? '—', sortKey: 'contactEmail' },
  { header: 'Phone', cell: (customer) => customer.phone ?? '—' },
  { header: 'Created', cell: (customer) => formatDate(customer.createdAt), sortKey: 'createdAt' },
];

export function CustomersPage() {
  const { canWrite } = usePermissions();
  const navigate = useNavigate();
  const list = useListParams(PAGE_SIZE, { sort: 'name', order: 'asc' });
  const q = list.get('q');
  const filters = { q: q || undefined, ...list.sorting.query };
  const customers = useApi((signal) => api.customers.list({ ...filters, limit: list.limit, offset: list.offset }, signal), [q, list.offset, list.limit, list.sorting.sort, list.sorting.order]);
  const [editing, setEditing] = useState<Customer | null | undefined>(undefined);
  const deletion = useConfirmation<Customer>();

  const actions = actionsColumn<Customer>(
    (customer) => (
      <RowActions justify="flex-end">
        <RowAction tooltip="Edit" label={`Edit ${customer.name}`} icon={<IconPencil size={16} />} onClick={() => setEditing(customer)} />
        <RowAction tooltip="Delete" label={`Delete ${customer.name}`} icon={<IconTrash size={16} />} color="red" onClick={() => deletion.ask(customer)} />
      </RowActions>
    ),
    90,
  );

  return (
    <ListPage
      title="Customers"
      description="Who licenses are issued to."
      actions={
        <>
          <ExportButton path="/customers/export.csv" query={filters} />
          {canWrite && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing(null)}>
              New customer
            </Button>
          )}
        </>
      }
      toolbar={
        <Group mb="md" gap="sm">
          <SearchInput label="Search customers" placeholder="Any part of the name" value={q} onChange={(value) => list.set({ q: value })} />
          {customers.loading && <Loader size="sm" aria-label="Loading customers" />}
        </Group>
      }
    >
      <ResourceList
        resource={customers}
        paging={list}
        sorting={list.sorting}
        noun="customers"
        label="Customers"
        minWidth={700}
        columns={[...COLUMNS, canWrite && actions]}
        rowKey={(customer) => customer.id}
        onRowClick={(customer) => navigate(customerPath(customer))}
        empty={q ? `No customer matches “${q}”.` : 'No customers yet.'}
      />

      {canWrite && (
        <>
          <CustomerFormModal
            opened={editing !== undefined}
            customer={editing}
            onClose={() => setEditing(undefined)}
            onSaved={(saved) => {
              notifySuccess(editing ? `Saved ${saved.name}` : `Created ${saved.name}`);
              customers.reload();
            }}
          />
          <ConfirmAction
            confirmation={deletion}
            title={(customer) => `Delete the customer ${customer.name}?`}
            confirmLabel="Delete customer"
            onConfirm={async (customer) => {
              await api.customers.remove(customer.id);
              forgetCustomer(customer.id);
              notifySuccess(`Deleted ${customer.name}`);
              customers.reload();
            }}
          >
            {(customer) => (
              <>
                The customer <b>{customer.name}</b> is deleted for good. A customer who still has licenses cannot be deleted.
              </>
            )}
          </ConfirmAction>
        </>
      )}
    </ListPage>
  );
}
