import { ActionIcon, Anchor, Button, Card, Group, Loader, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, forgetCustomer } from '../api/endpoints';
import type { Customer } from '../api/types';
import { usePermissions } from '../auth/AuthContext';
import { ConfirmModal } from '../components/ConfirmModal';
import { CustomerFormModal } from '../components/CustomerFormModal';
import { ErrorAlert } from '../components/ErrorAlert';
import { ListFooter } from '../components/ListFooter';
import { PageHeader } from '../components/PageHeader';
import { SearchInput } from '../components/SearchInput';
import { formatDate } from '../lib/format';
import { notifySuccess } from '../lib/notify';
import { useApi } from '../lib/useApi';
import { useListParams } from '../lib/useListParams';

const PAGE_SIZE = 25;

export function CustomersPage() {
  const { canWrite } = usePermissions();
  const navigate = useNavigate();
  const list = useListParams(PAGE_SIZE);
  const q = list.get('q');
  const customers = useApi((signal) => api.customers.list({ q: q || undefined, limit: list.limit, offset: list.offset }, signal), [q, list.offset]);
  const [editing, setEditing] = useState<Customer | null | undefined>(undefined);
  const [deleting, setDeleting] = useState<Customer | null>(null);

  return (
    <>
      <PageHeader
        title="Customers"
        description="Who licenses are issued to."
        actions={
          canWrite && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing(null)}>
              New customer
            </Button>
          )
        }
      />
      <Card withBorder padding="md" radius="md">
        <Group mb="md" gap="sm">
          <SearchInput label="Search customers" placeholder="Search by name" value={q} onChange={(value) => list.set({ q: value })} />
          {customers.loading && <Loader size="sm" aria-label="Loading customers" />}
        </Group>
        {customers.error && <ErrorAlert error={customers.error} onRetry={customers.reload} />}
        <Table.ScrollContainer minWidth={700}>
          <Table aria-label="Customers">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Contact</Table.Th>
                <Table.Th>Email</Table.Th>
                <Table.Th>Phone</Table.Th>
                <Table.Th>Created</Table.Th>
                {canWrite && (
                  <Table.Th w={90}>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {customers.data?.items.map((customer) => (
                <Table.Tr key={customer.id} style={{ cursor: 'pointer' }} onClick={() => navigate(`/customers/${encodeURIComponent(customer.id)}`)}>
                  <Table.Td>
                    <Anchor component={Link} to={`/customers/${encodeURIComponent(customer.id)}`} fw={500} size="sm" onClick={(e) => e.stopPropagation()}>
                      {customer.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{customer.contactName ?? '—'}</Table.Td>
                  <Table.Td>{customer.contactEmail ?? '—'}</Table.Td>
                  <Table.Td>{customer.phone ?? '—'}</Table.Td>
                  <Table.Td>{formatDate(customer.createdAt)}</Table.Td>
                  {canWrite && (
                    <Table.Td onClick={(e) => e.stopPropagation()}>
                      <Group gap={4} wrap="nowrap" justify="flex-end">
                        <Tooltip label="Edit">
                          <ActionIcon variant="subtle" aria-label={`Edit ${customer.name}`} onClick={() => setEditing(customer)}>
                            <IconPencil size={16} />
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label="Delete">
                          <ActionIcon variant="subtle" color="red" aria-label={`Delete ${customer.name}`} onClick={() => setDeleting(customer)}>
                            <IconTrash size={16} />
                          </ActionIcon>
                        </Tooltip>
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
              {customers.data && customers.data.items.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={canWrite ? 6 : 5}>
                    <Text c="dimmed" size="sm" ta="center" py="lg">
                      {q ? `No customer matches “${q}”.` : 'No customers yet.'}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {customers.data && <ListFooter total={customers.data.total} page={list.page} pageSize={PAGE_SIZE} onPage={list.setPage} label="customers" />}
      </Card>

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
          <ConfirmModal
            opened={deleting !== null}
            onClose={() => setDeleting(null)}
            title="Delete customer"
            confirmLabel="Delete customer"
            onConfirm={async () => {
              await api.customers.remove(deleting!.id);
              forgetCustomer(deleting!.id);
              notifySuccess(`Deleted ${deleting!.name}`);
              customers.reload();
            }}
          >
            Delete <b>{deleting?.name}</b>? A customer who still has licenses cannot be deleted.
          </ConfirmModal>
        </>
      )}
    </>
  );
}
