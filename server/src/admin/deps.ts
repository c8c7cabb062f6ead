import type { Clock } from '../clock.js';
import type { Keychain } from '../keys/keychain.js';
import type { PasswordHashing } from '../password-hashing.js';
import type { Store } from '../store/index.js';

/** What every admin resource's routes are built from. */
export interface AdminDeps {
  store: Store;
  clock: Clock;
  keychain: Keychain;
  endpointOf: (organizationId: string) => string;
  /** Every password hash or check a request needs goes through it. */
  passwords: PasswordHashing;
}
