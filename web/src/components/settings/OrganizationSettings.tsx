import { Center, Loader, Stack } from '@mantine/core';
import { api } from '../../api/endpoints';
import { usePermissions } from '../../auth/AuthContext';
import { useApi } from '../../lib/useApi';
import { ErrorAlert } from '../ErrorAlert';
import { LicensingEndpointSection } from './organization/LicensingEndpointSection';
import { OrganizationNameSection } from './organization/OrganizationNameSection';
import { SigningKeySection } from './organization/SigningKeySection';

/** The organization: its name, its licensing endpoint and its signing key. */
export function OrganizationSettings() {
  const { canWrite } = usePermissions();
  const org = useApi((signal) => api.organization.get(signal), []);

  if (!org.data) {
    return org.error ? (
      <ErrorAlert error={org.error} onRetry={org.reload} />
    ) : (
      <Center h={200}>
        <Loader aria-label="Loading organization" />
      </Center>
    );
  }
  const o = org.data;
  return (
    <Stack gap="lg">
      <OrganizationNameSection org={o} canWrite={canWrite} onSaved={org.setData} />
      <LicensingEndpointSection endpoint={o.licensingEndpoint} />
      <SigningKeySection org={o} canWrite={canWrite} onSaved={org.setData} onChanged={org.reload} />
    </Stack>
  );
}
