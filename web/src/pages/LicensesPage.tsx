import { Button } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api/endpoints';
import type { License } from '../api/types';
import { usePermissions } from '../auth/AuthContext';
import { ConfirmAction } from '../components/ConfirmAction';
import { LicenseDeleteTitle } from '../components/LicenseDeleteTitle';
import { ExportButton } from '../components/list/ExportButton';
import { ListPage } from '../components/list/ListPage';
import { ResourceList } from '../components/list/ResourceList';
import { notifySuccess } from '../lib/notify';
import { useApi } from '../lib/useApi';
import { useCatalog } from '../lib/useCatalog';
import { useConfirmation } from '../lib/useConfirmation';
import { useSelection } from '../lib/useSelection';
import { BulkActions } from './licenses/BulkActions';
import { LicenseFilters } from './licenses/LicenseFilters';
import { licenseColumns, licensePath, nameOf } from './licenses/licenseColumns';
import { useLicenseFilters } from './licenses/useLicenseFilters';

export function LicensesPage() {
  const { canWrite } = usePermissions();
  const navigate = useNavigate();
  const filters = useLicenseFilters();
  const catalog = useCatalog();
  const licenses = useApi((signal) => api.licenses.list(filters.query, signal), filters.deps);
  const deletion = useConfirmation<License>();
  const selection = useSelection(JSON.stringify(filters.deps));

  return (
    <ListPage
      title="Licenses"
      description="Grants of features to customers, with a lease limit, an expiry and key codes."
      actions={
        <>
          <ExportButton path="/licenses/export.csv" query={{ ...filters.exportQuery }} />
          {canWrite && (
            <Button component={Link} to="/licenses/new" leftSection={<IconPlus size={16} />}>
              New license
            </Button>
          )}
        </>
      }
      toolbar={<LicenseFilters filters={filters} catalog={catalog.data} loading={licenses.loading} />}
    >
      {canWrite && (
        <BulkActions
          ids={[...selection.selected]}
          onDone={() => {
            selection.clear();
            licenses.reload();
          }}
        />
      )}
      <ResourceList
        resource={licenses}
        sorting={filters.list.sorting}
        selection={canWrite ? { selected: selection.selected, onChange: selection.onChange, rowLabel: (license) => `Select license ${nameOf(license)}` } : undefined}
        paging={filters.list}
        noun="licenses"
        label="Licenses"
        minWidth={900}
        columns={licenseColumns({ catalog: catalog.data, canWrite, onDelete: deletion.ask })}
        rowKey={(license) => license.id}
        onRowClick={(license) => navigate(licensePath(license))}
        empty={filters.filtered ? 'No license matches these filters.' : 'No licenses yet.'}
      />
      {canWrite && (
        <ConfirmAction
          confirmation={deletion}
          title={(license) => <LicenseDeleteTitle license={license} />}
          confirmLabel="Delete license"
          onConfirm={async (license) => {
            await api.licenses.remove(license.id);
            notifySuccess('License deleted');
            licenses.reload();
          }}
        >
          {(license) => <>Its key codes stop working and its {license.leasesUsed === 1 ? '1 seat in use ends' : `${license.leasesUsed} seats in use end`} at once. This cannot be undone.</>}
        </ConfirmAction>
      )}
    </ListPage>
  );
}
