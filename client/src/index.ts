export { LicenseClient, type LicenseClientOptions } from './client.js';
export { SeatKeeper } from './keeper.js';
export type { SeatKeeperEvents } from './keeper-events.js';
export type { SeatKeeperOptions } from './keeper-options.js';
export type { SeatState, SeatStatus } from './seat-state.js';
export { machineClientId, type MachineClientIdOptions } from './client-id.js';
export { decodeLease, verifyLease, type DecodedLease, type LeaseHeader, type VerifyLeaseOptions } from './lease.js';
export type { Clock } from './clock.js';
export type { CallOptions, FetchLike, FetchResponseLike } from './http.js';
export {
  hasFeature,
  hasProduct,
  LICENSING_ERROR_CODES,
  SIGNING_ALGORITHMS,
  type Denied,
  type Jwk,
  type JsonWebKeySet,
  type KeyInfo,
  type KeyValidation,
  type LeaseClaims,
  type LeaseObtained,
  type LeaseRejected,
  type LeaseReleased,
  type LeaseRenewed,
  type LeaseValidation,
  type LicensingErrorCode,
  type OfflineVerification,
  type SigningAlgorithm,
  type Unavailable,
  type ValidFor,
  type ValidForFeature,
  type ValidForProduct,
  type VerificationFailure,
  type VerifiedLease,
} from './types.js';
