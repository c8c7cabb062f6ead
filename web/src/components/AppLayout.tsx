import { ActionIcon, AppShell, Avatar, Badge, Burger, Button, Group, NavLink, ScrollArea, Stack, Text, Tooltip, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconCertificate, IconHistory, IconLayoutDashboard, IconLogout, IconMoon, IconPackage, IconSettings, IconSun, IconUsers } from '@tabler/icons-react';
import { useEffect } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { useAuth, useSession } from '../auth/AuthContext';
import { MAIN_CONTENT_ID, SkipLink } from './SkipLink';

const NAV = [
  { to: '/', label: 'Dashboard', icon: IconLayoutDashboard, exact: true },
  { to: '/customers', label: 'Customers', icon: IconUsers },
  { to: '/products', label: 'Products', icon: IconPackage },
  { to: '/licenses', label: 'Licenses', icon: IconCertificate },
  { to: '/audit', label: 'Audit log', icon: IconHistory },
  { to: '/settings', label: 'Settings', icon: IconSettings },
];

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const session = useSession();
  const { signOut } = useAuth();
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');

  useEffect(close, [location.pathname, close]);

  const initials = (session.user.displayName || session.user.username)
    .split(/\s+/)
    .map((w) => w[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <SkipLink />
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Text component={Link} to="/" fw={800} size="lg" c="var(--mantine-color-anchor)" style={{ textDecoration: 'none', letterSpacing: -0.3 }}>
              Leasehold
            </Text>
            <Text size="sm" c="dimmed" visibleFrom="xs" truncate>
              {session.organization.name}
            </Text>
          </Group>
          <Tooltip label={scheme === 'dark' ? 'Light mode' : 'Dark mode'}>
            <ActionIcon variant="default" size="lg" aria-label="Toggle color scheme" onClick={() => setColorScheme(scheme === 'dark' ? 'light' : 'dark')}>
              {scheme === 'dark' ? <IconSun size={18} /> : <IconMoon size={18} />}
            </ActionIcon>
          </Tooltip>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <AppShell.Section grow component={ScrollArea}>
          {NAV.map((item) => {
            const active = item.exact ? location.pathname === item.to : location.pathname === item.to || location.pathname.startsWith(`${item.to}/`);
            return (
              <NavLink
                key={item.to}
                component={Link}
                to={item.to}
                label={item.label}
                leftSection={<item.icon size={18} stroke={1.6} />}
                active={active}
                aria-current={active ? 'page' : undefined}
                variant="light"
                style={{ borderRadius: 'var(--mantine-radius-sm)' }}
              />
            );
          })}
        </AppShell.Section>
        <AppShell.Section pt="sm" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
          <Stack gap="xs">
            <Group gap="sm" wrap="nowrap">
              <Avatar color="blue" radius="xl" size="md">
                {initials}
              </Avatar>
              <div style={{ minWidth: 0 }}>
                <Text size="sm" fw={500} truncate>
                  {session.user.displayName || session.user.username}
                </Text>
                <Group gap={4}>
                  <Text size="xs" c="dimmed" truncate>
                    {session.user.username}
                  </Text>
                  <Badge size="xs" variant="light" color={session.user.role === 'viewer' ? 'gray' : session.user.role === 'owner' ? 'grape' : 'blue'}>
                    {session.user.role}
                  </Badge>
                </Group>
              </div>
            </Group>
            <Button variant="subtle" color="gray" justify="flex-start" leftSection={<IconLogout size={16} />} onClick={() => void signOut()}>
              Sign out
            </Button>
          </Stack>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main id={MAIN_CONTENT_ID} tabIndex={-1}>
        <div style={{ maxWidth: 1280, margin: '0 auto' }}>
          <Outlet />
        </div>
      </AppShell.Main>
    </AppShell>
  );
}
