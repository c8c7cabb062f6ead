import type { Clock } from '../clock.js';
import type { Keychain } from '../keys/keychain.js';
import type { PasswordHashing } from '../password-hashing.js';
import type { Store } from '../store/index.js';

/** What the services are built from: the store, the clock and the few services of the server they use. */
export interface ServiceDeps {
  store: Store;
  clock: Clock;
  keychain: Keychain;
  /** The licensing endpoint URL of an organization, from the configured public URL. */
  endpointOf: (organizationId: string) => string;
  /** Every password hash or check goes through it (bounded, refuses overflow). */
  passwords: PasswordHashing;
}
