import { Navigate, useParams } from 'react-router';
import { api } from '../api/endpoints';
import { usePermissions } from '../auth/AuthContext';
import { DetailGate } from '../components/detail/DetailGate';
import { useApi } from '../lib/useApi';
import { LicenseForm } from './licenseForm/LicenseForm';

/** /licenses/new and /licenses/:id/edit; viewers go back to what they came from. */
export function LicenseFormPage() {
  const { id } = useParams();
  const { canWrite } = usePermissions();
  const license = useApi((signal) => (id ? api.licenses.get(id, signal) : Promise.resolve(undefined)), [id]);

  if (!canWrite) return <Navigate to={id ? `/licenses/${encodeURIComponent(id)}` : '/licenses'} replace />;
  if (!id) return <LicenseForm key="new" />;
  return (
    <DetailGate resource={license} noun="license">
      {(l) => <LicenseForm key={id} license={l} />}
    </DetailGate>
  );
}
