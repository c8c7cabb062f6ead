import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from '../store/schema.js';

export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['ES256', 'EdDSA', 'RS256'];

export interface PemKeyPair {
  publicKeyPem: string;
  privateKeyPem: string;
}

/** Makes a new key pair for `algorithm`: P-256 for ES256, Ed25519 for EdDSA, RSA 2048 for RS256. */
export function generateSigningKey(algorithm: SigningAlgorithm): PemKeyPair {
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  const pair =
    algorithm === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding, privateKeyEncoding })
      : algorithm === 'EdDSA'
        ? generateKeyPairSync('ed25519', { publicKeyEncoding, privateKeyEncoding })
        : generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding, privateKeyEncoding });
  return { publicKeyPem: pair.publicKey, privateKeyPem: pair.privateKey };
}

/** Signs `data` as JWS `algorithm` requires (raw r||s for ECDSA, PKCS#1 v1.5 for RSA). */
export function signJws(algorithm: SigningAlgorithm, key: KeyObject, data: Buffer): Buffer {
  switch (algorithm) {
    case 'ES256':
      return sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
    case 'EdDSA':
      return sign(null, data, key);
    case 'RS256':
      return sign('sha256', data, key);
  }
}
