import { importNodeModule } from './node.js';

let cached: Promise<Crypto> | undefined;

/**
 * WebCrypto: the global one (browsers, Electron, Node 19+), else node:crypto's (Node 18, where
 * globalThis.crypto is not defined by default).
 */
export function webCrypto(): Promise<Crypto> {
  cached ??= (async () => {
    const global = (globalThis as { crypto?: Crypto }).crypto;
    if (global?.subtle) return global;
    const node = await importNodeModule<{ webcrypto?: Crypto }>('node:crypto');
    if (node?.webcrypto?.subtle) return node.webcrypto;
    throw new Error('WebCrypto (crypto.subtle) is not available in this environment');
  })();
  cached.catch(() => (cached = undefined));
  return cached;
}
