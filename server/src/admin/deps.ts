import type { Clock } from '../clock.js';
import type { Keychain } from '../keys/keychain.js';
import type { Store } from '../store/index.js';

/** What every admin resource's routes are built from. */
export interface AdminDeps {
  store: Store;
  clock: Clock;
  keychain: Keychain;
  endpointOf: (organizationId: string) => string;
}
