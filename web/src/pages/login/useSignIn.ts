import { useState, type SubmitEvent } from 'react';
import { ApiError, errorMessage } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { useCountdown } from '../../lib/useCountdown';

export function describeWait(seconds: number): string {
  if (seconds >= 90) return `${Math.ceil(seconds / 60)} minutes`;
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

/** What went wrong: a message, or the throttle, whose message counts down with the wait. */
type Failure = { kind: 'message'; message: string } | { kind: 'throttled' };

/** The sign-in form's fields, its checks and the call, with the wait after a 429. */
export function useSignIn(onSignedIn: () => void) {
  const { signIn } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ username?: string; password?: string }>({});
  const wait = useCountdown();

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const missing = { username: username.trim() ? undefined : 'Enter your username', password: password ? undefined : 'Enter your password' };
    setFieldErrors(missing);
    if (missing.username || missing.password) return;
    setBusy(true);
    setFailure(null);
    try {
      await signIn(username.trim(), password);
      onSignedIn();
    } catch (err) {
      setPassword('');
      if (err instanceof ApiError && err.status === 401) {
        setFailure({ kind: 'message', message: 'The username or password is not right.' });
      } else if (err instanceof ApiError && err.status === 429) {
        wait.start(err.retryAfter ?? 60);
        setFailure({ kind: 'throttled' });
      } else {
        setFailure({ kind: 'message', message: errorMessage(err) });
      }
    } finally {
      setBusy(false);
    }
  };

  // The throttle's message goes once the wait is over.
  const error =
    failure?.kind === 'message' ? failure.message : failure?.kind === 'throttled' && wait.remaining > 0 ? `Too many failed sign-in attempts. Try again in ${describeWait(wait.remaining)}.` : null;

  return { username, setUsername, password, setPassword, busy, error, fieldErrors, waiting: wait.remaining > 0, submit };
}
