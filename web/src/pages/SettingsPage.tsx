import { Stack, Tabs } from '@mantine/core';
import { IconBuilding, IconKey, IconLock, IconUsers } from '@tabler/icons-react';
import { useSearchParams } from 'react-router';
import { usePermissions } from '../auth/AuthContext';
import { PageHeader } from '../components/PageHeader';
import { OrganizationSettings } from '../components/settings/OrganizationSettings';
import { PasswordSettings } from '../components/settings/PasswordSettings';
import { TokensSettings } from '../components/settings/TokensSettings';
import { UsersSettings } from '../components/settings/UsersSettings';

/** Each tab's name, in the browser tab's title too. */
const TAB_NAMES: Record<string, string> = { organization: 'Organization', users: 'Users', tokens: 'API tokens', password: 'Password' };

export function SettingsPage() {
  const { isOwner } = usePermissions();
  const [params, setParams] = useSearchParams();
  const tabs = ['organization', ...(isOwner ? ['users', 'tokens'] : []), 'password'];
  const requested = params.get('tab') ?? 'organization';
  const tab = tabs.includes(requested) ? requested : 'organization';

  return (
    <>
      <PageHeader title="Settings" documentTitle={[TAB_NAMES[tab], 'Settings']} description="Your organization, its signing key, who has access, and your password." />
      <Tabs value={tab} onChange={(value) => setParams(value && value !== 'organization' ? { tab: value } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List mb="lg">
          <Tabs.Tab value="organization" leftSection={<IconBuilding size={16} />}>
            Organization
          </Tabs.Tab>
          {isOwner && (
            <Tabs.Tab value="users" leftSection={<IconUsers size={16} />}>
              Users
            </Tabs.Tab>
          )}
          {isOwner && (
            <Tabs.Tab value="tokens" leftSection={<IconKey size={16} />}>
              API tokens
            </Tabs.Tab>
          )}
          <Tabs.Tab value="password" leftSection={<IconLock size={16} />}>
            Password
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="organization">
          <OrganizationSettings />
        </Tabs.Panel>
        {isOwner && (
          <Tabs.Panel value="users">
            <Stack>
              <UsersSettings />
            </Stack>
          </Tabs.Panel>
        )}
        {isOwner && (
          <Tabs.Panel value="tokens">
            <TokensSettings />
          </Tabs.Panel>
        )}
        <Tabs.Panel value="password">
          <PasswordSettings />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
