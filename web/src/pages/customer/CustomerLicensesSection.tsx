import type { Customer } from '../../api/types';
import { DetailSection } from '../../components/detail/DetailSection';
import { LicenseTable } from '../../components/LicenseTable';
import { PagedList } from '../../components/list/PagedList';
import type { CustomerLicenses } from './useCustomerLicenses';

/** The customer's licenses, with the page buttons below. */
export function CustomerLicensesSection({ customer, state }: { customer: Customer; state: CustomerLicenses }) {
  const { paging, licenses, catalog } = state;
  return (
    <DetailSection title="Licenses" loading={licenses.loading} loadingLabel="Loading licenses">
      <PagedList error={licenses.error} onRetry={licenses.reload} paging={paging} total={licenses.data?.total} noun="licenses">
        {licenses.data && (
          <LicenseTable
            licenses={licenses.data.items}
            label={`Licenses of ${customer.name}`}
            catalog={catalog.data}
            showCustomer={false}
            sorting={paging.sorting}
            empty="This customer has no licenses yet."
          />
        )}
      </PagedList>
    </DetailSection>
  );
}
