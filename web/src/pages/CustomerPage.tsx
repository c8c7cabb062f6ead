import { Button, Stack } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, forgetCustomer } from '../api/endpoints';
import type { Customer } from '../api/types';
import { usePermissions } from '../auth/AuthContext';
import { ConfirmModal } from '../components/ConfirmModal';
import { CustomerFormModal } from '../components/CustomerFormModal';
import { BackLink } from '../components/detail/BackLink';
import { DeleteButton, EditButton } from '../components/detail/DetailActions';
import { DetailGate } from '../components/detail/DetailGate';
import { PageHeader } from '../components/PageHeader';
import { notifySuccess } from '../lib/notify';
import { useApi } from '../lib/useApi';
import { CustomerLicensesSection } from './customer/CustomerLicensesSection';
import { CustomerSummary } from './customer/CustomerSummary';
import { useCustomerLicenses, type CustomerLicenses } from './customer/useCustomerLicenses';

const back = <BackLink to="/customers">Customers</BackLink>;

export function CustomerPage() {
  const { id = '' } = useParams();
  const customer = useApi((signal) => api.customers.get(id, signal), [id]);
  // Requested with the customer, not once it arrived.
  const licenses = useCustomerLicenses(id);
  return (
    <DetailGate resource={customer} noun="customer" back={back}>
      {(c) => <CustomerDetails customer={c} onSaved={customer.setData} licenses={licenses} />}
    </DetailGate>
  );
}

function CustomerDetails({ customer: c, onSaved, licenses }: { customer: Customer; onSaved: (customer: Customer) => void; licenses: CustomerLicenses }) {
  const navigate = useNavigate();
  const { canWrite } = usePermissions();
  const [editing, editor] = useDisclosure(false);
  const [deleting, deletion] = useDisclosure(false);

  return (
    <>
      <PageHeader
        before={back}
        title={c.name}
        documentTitle={[c.name, 'Customers']}
        description="Customer"
        actions={
          canWrite && (
            <>
              <Button component={Link} to={`/licenses/new?customerId=${encodeURIComponent(c.id)}`} leftSection={<IconPlus size={16} />}>
                New license
              </Button>
              <EditButton onClick={editor.open} />
              <DeleteButton onClick={deletion.open} />
            </>
          )
        }
      />
      <Stack gap="lg">
        <CustomerSummary customer={c} />
        <CustomerLicensesSection customer={c} state={licenses} />
      </Stack>
      {canWrite && (
        <>
          <CustomerFormModal
            opened={editing}
            customer={c}
            onClose={editor.close}
            onSaved={(saved) => {
              onSaved(saved);
              notifySuccess(`Saved ${saved.name}`);
            }}
          />
          <ConfirmModal
            opened={deleting}
            onClose={deletion.close}
            title={`Delete the customer ${c.name}?`}
            confirmLabel="Delete customer"
            onConfirm={async () => {
              await api.customers.remove(c.id);
              forgetCustomer(c.id);
              notifySuccess(`Deleted ${c.name}`);
              navigate('/customers', { replace: true });
            }}
          >
            The customer <b>{c.name}</b> is deleted for good. A customer who still has licenses cannot be deleted: delete or move the licenses first.
          </ConfirmModal>
        </>
      )}
    </>
  );
}
