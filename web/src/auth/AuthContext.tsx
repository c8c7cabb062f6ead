import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { setCsrfRefresher, setCsrfToken, setUnauthorizedHandler } from '../api/client';
import { api } from '../api/endpoints';
import type { Role, Session } from '../api/types';

export type AuthState = { status: 'loading' } | { status: 'signedOut'; reason: 'none' | 'expired' | 'signedOut' } | { status: 'signedIn'; session: Session };

interface AuthContextValue {
  state: AuthState;
  signIn: (username: string, password: string) => Promise<Session>;
  signOut: () => Promise<void>;
  /** Updates what the shell shows after the organization was renamed. */
  setOrganizationName: (name: string) => void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

/**
 * Holds the signed-in session. On start it asks `GET /api/v1/session` (the cookie survives a
 * reload, the CSRF token lives only in memory); any 401 from the API signs the user out here, and
 * the route guard then sends them to /login and back.
 */
export function AuthProvider({ children, initialSession }: { children: ReactNode; initialSession?: Session | null }) {
  const [state, setState] = useState<AuthState>(() => {
    if (initialSession === undefined) return { status: 'loading' };
    if (initialSession === null) return { status: 'signedOut', reason: 'none' };
    setCsrfToken(initialSession.csrfToken);
    return { status: 'signedIn', session: initialSession };
  });

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setCsrfToken(null);
      setState((current) => ({ status: 'signedOut', reason: current.status === 'signedIn' ? 'expired' : 'none' }));
    });
    setCsrfRefresher(async () => {
      const session = await api.session.get();
      setState({ status: 'signedIn', session });
      return session.csrfToken;
    });
    return () => {
      setUnauthorizedHandler(null);
      setCsrfRefresher(null);
    };
  }, []);

  useEffect(() => {
    if (initialSession !== undefined) return;
    const controller = new AbortController();
    api.session
      .get(controller.signal)
      .then((session) => {
        setCsrfToken(session.csrfToken);
        setState({ status: 'signedIn', session });
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        // 401: no session. Anything else (server down): show the sign-in page, which reports it.
        void error;
        setCsrfToken(null);
        setState({ status: 'signedOut', reason: 'none' });
      });
    return () => controller.abort();
  }, [initialSession]);

  const signIn = useCallback(async (username: string, password: string) => {
    const session = await api.session.signIn(username, password);
    setCsrfToken(session.csrfToken);
    setState({ status: 'signedIn', session });
    return session;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.session.signOut();
    } catch {
      // Signed out on this side whatever the server said.
    }
    setCsrfToken(null);
    setState({ status: 'signedOut', reason: 'signedOut' });
  }, []);

  const setOrganizationName = useCallback((name: string) => {
    setState((current) => (current.status === 'signedIn' ? { status: 'signedIn', session: { ...current.session, organization: { ...current.session.organization, name } } } : current));
  }, []);

  const value = useMemo(() => ({ state, signIn, signOut, setOrganizationName }), [state, signIn, signOut, setOrganizationName]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const context = useContext(AuthContext);
  if (!context) throw new Error('useAuth outside AuthProvider');
  return context;
}

/** The signed-in session; only for components under the route guard. */
export function useSession(): Session {
  const { state } = useAuth();
  if (state.status !== 'signedIn') throw new Error('useSession without a session');
  return state.session;
}

export interface Permissions {
  role: Role;
  /** Owners and admins change things; viewers only read. */
  canWrite: boolean;
  /** Only owners manage users and API tokens. */
  isOwner: boolean;
}

export function permissionsOf(role: Role): Permissions {
  return { role, canWrite: role === 'owner' || role === 'admin', isOwner: role === 'owner' };
}

export function usePermissions(): Permissions {
  return permissionsOf(useSession().user.role);
}
