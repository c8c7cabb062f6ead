import { Anchor, Button, Card, Center, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { api, forgetCustomer } from '../api/endpoints';
import { usePermissions } from '../auth/AuthContext';
import { ConfirmModal } from '../components/ConfirmModal';
import { CustomerFormModal } from '../components/CustomerFormModal';
import { ErrorAlert } from '../components/ErrorAlert';
import { LicenseTable } from '../components/LicenseTable';
import { ListFooter } from '../components/ListFooter';
import { PageHeader } from '../components/PageHeader';
import { formatDateTime } from '../lib/format';
import { notifySuccess } from '../lib/notify';
import { useApi } from '../lib/useApi';
import { useCatalog } from '../lib/useCatalog';
import { useListParams } from '../lib/useListParams';

const PAGE_SIZE = 20;

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="sm" component="div" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </div>
  );
}

export function CustomerPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { canWrite } = usePermissions();
  const list = useListParams(PAGE_SIZE);
  const customer = useApi((signal) => api.customers.get(id, signal), [id]);
  const licenses = useApi((signal) => api.licenses.list({ customerId: id, limit: list.limit, offset: list.offset }, signal), [id, list.offset]);
  const catalog = useCatalog();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);

  const back = (
    <Anchor component={Link} to="/customers" size="sm">
      <Group gap={4}>
        <IconArrowLeft size={14} /> Customers
      </Group>
    </Anchor>
  );

  if (customer.error instanceof ApiError && customer.error.status === 404) {
    return (
      <>
        <PageHeader title="Customer not found" before={back} />
        <Text c="dimmed">This customer does not exist or was deleted.</Text>
      </>
    );
  }
  const c = customer.data;
  if (!c) {
    return customer.error ? (
      <ErrorAlert error={customer.error} onRetry={customer.reload} />
    ) : (
      <Center h={240}>
        <Loader aria-label="Loading customer" />
      </Center>
    );
  }

  return (
    <>
      <PageHeader
        before={back}
        title={c.name}
        description="Customer"
        actions={
          canWrite && (
            <>
              <Button component={Link} to={`/licenses/new?customerId=${encodeURIComponent(c.id)}`} leftSection={<IconPlus size={16} />}>
                New license
              </Button>
              <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)}>
                Edit
              </Button>
              <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={() => setDeleting(true)}>
                Delete
              </Button>
            </>
          )
        }
      />
      <Stack gap="lg">
        <Card withBorder padding="lg" radius="md">
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="lg">
            <Field label="Contact">{c.contactName ?? '—'}</Field>
            <Field label="Email">{c.contactEmail ? <Anchor href={`mailto:${c.contactEmail}`}>{c.contactEmail}</Anchor> : '—'}</Field>
            <Field label="Phone">{c.phone ?? '—'}</Field>
            <Field label="Created">{formatDateTime(c.createdAt)}</Field>
            <Field label="Updated">{formatDateTime(c.updatedAt)}</Field>
          </SimpleGrid>
          {c.comment && (
            <Stack mt="lg" gap={0}>
              <Field label="Comment">{c.comment}</Field>
            </Stack>
          )}
        </Card>
        <Card withBorder padding="lg" radius="md">
          <Group justify="space-between" mb="sm">
            <Title order={3} size="h4">
              Licenses
            </Title>
            {licenses.loading && <Loader size="xs" aria-label="Loading licenses" />}
          </Group>
          {licenses.error && <ErrorAlert error={licenses.error} onRetry={licenses.reload} />}
          {licenses.data && (
            <>
              <LicenseTable licenses={licenses.data.items} label={`Licenses of ${c.name}`} catalog={catalog.data} showCustomer={false} empty="This customer has no licenses yet." />
              <ListFooter total={licenses.data.total} page={list.page} pageSize={PAGE_SIZE} onPage={list.setPage} label="licenses" />
            </>
          )}
        </Card>
      </Stack>
      {canWrite && (
        <>
          <CustomerFormModal
            opened={editing}
            customer={c}
            onClose={() => setEditing(false)}
            onSaved={(saved) => {
              customer.setData(saved);
              notifySuccess(`Saved ${saved.name}`);
            }}
          />
          <ConfirmModal
            opened={deleting}
            onClose={() => setDeleting(false)}
            title="Delete customer"
            confirmLabel="Delete customer"
            onConfirm={async () => {
              await api.customers.remove(c.id);
              forgetCustomer(c.id);
              notifySuccess(`Deleted ${c.name}`);
              navigate('/customers', { replace: true });
            }}
          >
            Delete <b>{c.name}</b>? A customer who still has licenses cannot be deleted: delete or move the licenses first.
          </ConfirmModal>
        </>
      )}
    </>
  );
}
