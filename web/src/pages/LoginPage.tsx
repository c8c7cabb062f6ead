import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertTriangle, IconInfoCircle } from '@tabler/icons-react';
import { Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { useAuth } from '../auth/AuthContext';
import { safeNext } from '../auth/RequireAuth';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useSignIn } from './login/useSignIn';

export function LoginPage() {
  const { state } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const expired = (location.state as { expired?: boolean } | null)?.expired === true;
  // navigate's type allows a promise for data routers; under this app's BrowserRouter it navigates at once.
  const form = useSignIn(() => void navigate(next, { replace: true }));
  useDocumentTitle(['Sign in']);

  if (state.status === 'signedIn') return <Navigate to={next} replace />;

  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-body)">
      <Paper withBorder shadow="md" p="xl" radius="md" w={380} maw="100%">
        <form onSubmit={form.submit} noValidate aria-label="Sign in">
          <Stack>
            <div>
              <Text fw={800} size="xl" c="blue.7">
                Leasehold
              </Text>
              <Title order={1} size="h3" mt={4}>
                Sign in
              </Title>
              <Text size="sm" c="dimmed">
                to the license server administration
              </Text>
            </div>
            {expired && !form.error && (
              <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />}>
                Your session has ended. Sign in again to continue.
              </Alert>
            )}
            {form.error && (
              <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
                {form.error}
              </Alert>
            )}
            <TextInput
              label="Username"
              autoComplete="username"
              autoFocus
              value={form.username}
              onChange={(e) => form.setUsername(e.currentTarget.value)}
              error={form.fieldErrors.username}
              maxLength={100}
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              value={form.password}
              onChange={(e) => form.setPassword(e.currentTarget.value)}
              error={form.fieldErrors.password}
              maxLength={200}
            />
            <Button type="submit" loading={form.busy} disabled={form.waiting} fullWidth>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
