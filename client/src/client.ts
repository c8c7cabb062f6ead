import { machineClientId } from './client-id.js';
import { clockFrom, type Clock } from './clock.js';
import { call, unavailable, type CallOptions, type FetchLike, type HttpContext, type RawOutcome } from './http.js';
import { candidates, checkClaims, checkHeader, checkSignature, decodeLease, keyFromJwk, keysFrom, keysFromPem, normalizeUrl, rejected, type KeyEntry } from './lease.js';
import { SeatKeeper, type SeatKeeperOptions } from './keeper.js';
import {
  SIGNING_ALGORITHMS,
  type Denied,
  type JsonWebKeySet,
  type KeyValidation,
  type LeaseObtained,
  type LeaseReleased,
  type LeaseRenewed,
  type LeaseValidation,
  type LicensingErrorCode,
  type OfflineVerification,
  type SigningAlgorithm,
  type Unavailable,
  type ValidFor,
} from './types.js';

export interface LicenseClientOptions {
  /** The organization's licensing endpoint URL: `{server}/licensing/{organizationId}`. */
  endpoint: string;
  /** The license key this application uses. */
  licenseKey?: string;
  /**
   * Identifies this client to the server, which gives a client that restarts its own seat back.
   * Default: machineClientId() in the endpoint's namespace, a stable hash that never reveals the
   * machine's identifiers. A string uses that; null sends none.
   */
  clientId?: string | null;
  /**
   * The organization's public key for offline verification, pinned: SPKI PEM text (from
   * /signature.pem) or its key set (JWKS from /jwks.json, as text or object). Without it, the
   * client fetches /jwks.json when it first verifies, and again when a lease names a key it does
   * not know (a rotation).
   */
  publicKey?: string | JsonWebKeySet;
  /** Fetch keys from the endpoint when a lease names an unknown one. Default: true without publicKey, false with it. */
  fetchKeys?: boolean;
  /** The `iss` leases must carry; default the endpoint. */
  issuer?: string;
  /** Accepted lease signing algorithms; default ES256, EdDSA and RS256. */
  algorithms?: readonly SigningAlgorithm[];
  /** Lease lifetime to ask for, in seconds; default the server's (600). */
  leaseSeconds?: number;
  /** Seconds a lease still verifies offline after its expiry, for clocks that disagree; default 60. */
  clockSkewSeconds?: number;
  /** Per-call timeout in milliseconds; default 10000. */
  timeoutMs?: number;
  /** A fetch implementation; default the global fetch. */
  fetch?: FetchLike;
  /** Time and timers; for tests. */
  clock?: Partial<Clock>;
}

/** Keys fetched at most once per this interval for the same unknown kid. */
const KEY_REFETCH_MS = 30_000;

function date(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function validFor(value: unknown): ValidFor {
  return Array.isArray(value) ? (value as ValidFor) : [];
}

function denied<C extends LicensingErrorCode>(outcome: Extract<RawOutcome, { kind: 'denied' }>): Denied<C> {
  return { ok: false, kind: 'denied', errorCode: outcome.errorCode as C, message: outcome.message, status: outcome.status };
}

function refused(message: string): Denied<'INVALID_REQUEST'> {
  return { ok: false, kind: 'denied', errorCode: 'INVALID_REQUEST', message, status: null };
}

/**
 * A client of one organization's licensing endpoint. Every method answers with a typed outcome
 * and never rejects: `ok: true` with the reply, `kind: 'denied'` with the server's error code, or
 * `kind: 'unavailable'` when the server could not be reached or did not answer the question.
 */
export class LicenseClient {
  /** The licensing endpoint, without a trailing slash. */
  readonly endpoint: string;
  /** The license key the methods use by default. */
  licenseKey: string | undefined;
  /**
   * The current lease code: set by obtainLease and renewLease, cleared by releaseLease. An
   * application may store it and set it again after a restart.
   */
  lease: string | undefined;
  /**
   * What the current lease grants, as the server's obtain or renew reply said. Offline
   * verification of the current lease checks it against the lease (see verifyLeaseOffline).
   */
  leaseValidFor: ValidFor | undefined;
  readonly clock: Clock;
  private readonly options: LicenseClientOptions;
  private readonly http: HttpContext;
  private clientIdValue: Promise<string | undefined> | undefined;
  private readonly pinnedKeys: KeyEntry[];
  private fetchedKeys: KeyEntry[] = [];
  private keysFetching: Promise<Unavailable | undefined> | undefined;
  private readonly refetchedFor = new Map<string, { at: number; failed: Unavailable | undefined }>();

  constructor(options: LicenseClientOptions) {
    if (!options || typeof options.endpoint !== 'string') throw new TypeError('LicenseClient: endpoint is required');
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch {
      throw new TypeError(`LicenseClient: endpoint "${options.endpoint}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('LicenseClient: endpoint must be an http(s) URL');
    this.options = options;
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.licenseKey = options.licenseKey;
    this.clock = clockFrom(options.clock);
    const fetchImpl = options.fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
    if (!fetchImpl) throw new TypeError('LicenseClient: no fetch in this environment; pass options.fetch');
    this.http = { fetch: options.fetch ?? ((url, init) => fetchImpl(url, init)), clock: this.clock, timeoutMs: options.timeoutMs ?? 10_000 };
    this.pinnedKeys = options.publicKey === undefined ? [] : keysFrom(options.publicKey);
    if (options.clientId !== undefined) this.clientIdValue = Promise.resolve(options.clientId ?? undefined);
  }

  /** The client id sent with obtainLease (undefined when none is sent). */
  getClientId(): Promise<string | undefined> {
    this.clientIdValue ??= machineClientId({ namespace: normalizeUrl(this.endpoint) }).catch(() => undefined);
    return this.clientIdValue;
  }

  /** GET /key/validate: is the key valid, what does it grant, how many seats are used. */
  async validateKey(key: string | undefined = this.licenseKey, options: CallOptions = {}): Promise<KeyValidation> {
    if (!key) return { ...refused('no license key: pass one or set licenseKey'), expiry: null, leaseLimit: null, leasesUsed: null, validFor: [] };
    const r = await call(this.http, 'GET', `${this.endpoint}/key/validate`, { key }, 'isValid', options);
    if (r.kind === 'unavailable') return r;
    const info = { expiry: date(r.body.expiry), leaseLimit: num(r.body.leaseLimit), leasesUsed: num(r.body.leasesUsed), validFor: validFor(r.body.validFor) };
    return r.kind === 'ok' ? { ok: true, kind: 'ok', ...info } : { ...denied(r), ...info };
  }

  /** POST /lease/obtain: takes a seat. On success the lease becomes the client's current lease. */
  async obtainLease(options: CallOptions & { key?: string; leaseSeconds?: number; clientId?: string | null } = {}): Promise<LeaseObtained> {
    const key = options.key ?? this.licenseKey;
    if (!key) return refused('no license key: pass one or set licenseKey');
    const clientId = options.clientId !== undefined ? options.clientId : await this.getClientId();
    const r = await call(this.http, 'POST', `${this.endpoint}/lease/obtain`, { key, expiry: options.leaseSeconds ?? this.options.leaseSeconds, clientId: clientId ?? undefined }, 'success', options);
    if (r.kind === 'unavailable') return r;
    if (r.kind === 'denied') return denied(r);
    const lease = r.body.lease;
    const expiry = date(r.body.expiry);
    if (typeof lease !== 'string' || !expiry) return unavailable('protocol', 'the obtain reply carries no lease or expiry', { status: r.status });
    this.lease = lease;
    this.leaseValidFor = validFor(r.body.validFor);
    return { ok: true, kind: 'ok', lease, expiry, validFor: this.leaseValidFor };
  }

  /** GET /lease/validate: asks the server whether the lease (default: the current one) is still good. */
  async validateLease(lease: string | undefined = this.lease, options: CallOptions = {}): Promise<LeaseValidation> {
    if (!lease) return { ...refused('no lease: obtain one first or pass one'), expiry: null };
    const r = await call(this.http, 'GET', `${this.endpoint}/lease/validate`, { lease }, 'isValid', options);
    if (r.kind === 'unavailable') return r;
    if (r.kind === 'denied') return { ...denied(r), expiry: date(r.body.expiry) };
    const expiry = date(r.body.expiry);
    if (!expiry) return unavailable('protocol', 'the validate reply carries no expiry', { status: r.status });
    return { ok: true, kind: 'ok', expiry, validFor: validFor(r.body.validFor) };
  }

  /**
   * POST /lease/renew: a new code for the same seat (the old one stops working). On success the
   * new lease becomes the current one.
   */
  async renewLease(options: CallOptions & { lease?: string; leaseSeconds?: number } = {}): Promise<LeaseRenewed> {
    const lease = options.lease ?? this.lease;
    if (!lease) return { ...refused('no lease: obtain one first or pass one'), expiry: null };
    const r = await call(this.http, 'POST', `${this.endpoint}/lease/renew`, { lease, expiry: options.leaseSeconds ?? this.options.leaseSeconds }, 'success', options);
    if (r.kind === 'unavailable') return r;
    if (r.kind === 'denied') return { ...denied(r), expiry: date(r.body.expiry) };
    const next = r.body.lease;
    const expiry = date(r.body.expiry);
    if (typeof next !== 'string' || !expiry) return unavailable('protocol', 'the renew reply carries no lease or expiry', { status: r.status });
    // Servers before the renew reply carried validFor grant what the renewed lease granted.
    const granted = Array.isArray(r.body.validFor) ? (r.body.validFor as ValidFor) : null;
    if (this.lease === lease || this.lease === undefined) {
      this.lease = next;
      if (granted) this.leaseValidFor = granted;
    }
    return { ok: true, kind: 'ok', lease: next, expiry, validFor: granted };
  }

  /** POST /lease/release: gives the seat back. Releasing the current lease clears it. */
  async releaseLease(lease: string | undefined = this.lease, options: CallOptions = {}): Promise<LeaseReleased> {
    if (!lease) return refused('no lease: obtain one first or pass one');
    const r = await call(this.http, 'POST', `${this.endpoint}/lease/release`, { lease }, 'success', options);
    if (r.kind === 'unavailable') return r;
    if (r.kind === 'denied') return denied(r);
    if (this.lease === lease) {
      this.lease = undefined;
      this.leaseValidFor = undefined;
    }
    return { ok: true, kind: 'ok' };
  }

  /**
   * Verifies a lease (default: the current one) without asking the server whether it is still
   * held: its signature against the organization's key, its algorithm, its issuer and its expiry
   * (with a small clock-skew allowance). Answers Unavailable only when the keys are needed and
   * cannot be fetched. `validFor` is what the server answered with the lease (default: the
   * current lease's, from its obtain or renew reply): a lease whose license grants too much for
   * its code carries only a digest of it, checked against this (else rejected, 'valid-for').
   */
  async verifyLeaseOffline(lease: string | undefined = this.lease, validFor?: ValidFor | null): Promise<OfflineVerification> {
    if (!lease) return rejected('no-lease', 'no lease: obtain one first or pass one');
    const decoded = decodeLease(lease);
    if (!decoded) return rejected('malformed', 'not a lease code: expected a compact JWS with lease claims');
    const algorithms = this.options.algorithms ?? SIGNING_ALGORITHMS;
    const alg = checkHeader(decoded, algorithms);
    if (typeof alg !== 'string') return alg;
    const kid = decoded.header.kid;
    const fetchKeys = this.options.fetchKeys ?? this.options.publicKey === undefined;

    let fetchedNow = false;
    if (fetchKeys && this.keys().length === 0) {
      const failed = await this.fetchKeys();
      if (failed) return failed;
      fetchedNow = true;
    }
    let verdict = await checkSignature(decoded, alg, candidates(this.keys(), kid));
    const knownKid = kid !== undefined && this.keys().some((k) => k.kid === kid);
    if (verdict !== 'verified' && fetchKeys && !fetchedNow && !knownKid) {
      // A key we have not seen: the organization may have rotated since we fetched. Asked at most
      // once per KEY_REFETCH_MS for the same kid; meanwhile the last answer stands.
      const last = this.refetchedFor.get(kid ?? '');
      if (last === undefined || this.clock.now() - last.at >= KEY_REFETCH_MS) {
        const failed = await this.fetchKeys();
        this.refetchedFor.set(kid ?? '', { at: this.clock.now(), failed });
        if (this.refetchedFor.size > 100) this.refetchedFor.delete(this.refetchedFor.keys().next().value!);
        if (failed) return failed;
        verdict = await checkSignature(decoded, alg, candidates(this.keys(), kid));
      } else if (last.failed) {
        return last.failed;
      }
    }
    if (verdict === 'unknown-key') return rejected('unknown-key', `no ${alg} key${kid ? ` with kid "${kid}"` : ''} to verify this lease`);
    if (verdict === 'signature') return rejected('signature', "the lease signature does not verify with the organization's key");
    return checkClaims(lease, decoded, alg, {
      algorithms,
      issuer: this.options.issuer ?? this.endpoint,
      now: this.clock.now(),
      clockSkewSeconds: this.options.clockSkewSeconds ?? 60,
      validFor: validFor ?? (lease === this.lease ? this.leaseValidFor : undefined),
    });
  }

  /**
   * The public keys this client verifies with, as text to store and pass back as `publicKey`
   * (with `fetchKeys: true` to keep following rotations): a JWKS when it has one, else PEM.
   * Fetches them first when it has none.
   */
  async exportPublicKeys(): Promise<string | Unavailable> {
    if (this.keys().length === 0) {
      const failed = await this.fetchKeys();
      if (failed) return failed;
    }
    const jwks = this.keys()
      .filter((k) => k.jwk)
      .map((k) => k.jwk!);
    if (jwks.length > 0) return JSON.stringify({ keys: jwks });
    return this.keys()
      .map(
        (k) =>
          `-----BEGIN PUBLIC KEY-----\n${btoa(String.fromCharCode(...k.der!))
            .replace(/.{64}/g, '$&\n')
            .replace(/\n?$/, '\n')}-----END PUBLIC KEY-----\n`,
      )
      .join('');
  }

  /** Holds a seat while the application runs: see SeatKeeper. */
  keeper(options: SeatKeeperOptions = {}): SeatKeeper {
    return new SeatKeeper(this, options);
  }

  private keys(): KeyEntry[] {
    return [...this.pinnedKeys, ...this.fetchedKeys];
  }

  /** Fetches /jwks.json (or /signature.pem from a server without one); undefined when it worked. */
  private fetchKeys(): Promise<Unavailable | undefined> {
    this.keysFetching ??= (async () => {
      try {
        const jwks = await this.get('/jwks.json');
        if (jwks.kind === 'unavailable' && jwks.status !== 404) return jwks;
        if (jwks.kind === 'ok') {
          let parsed: unknown;
          try {
            parsed = JSON.parse(jwks.text);
          } catch {
            parsed = undefined;
          }
          const keys = (parsed as Partial<JsonWebKeySet> | undefined)?.keys;
          if (!Array.isArray(keys)) return unavailable('protocol', 'jwks.json is not a JSON Web Key Set', { status: 200 });
          this.fetchedKeys = keys.filter((k) => k && typeof k === 'object' && typeof k.kty === 'string').map(keyFromJwk);
          return undefined;
        }
        const pem = await this.get('/signature.pem');
        if (pem.kind === 'unavailable') return pem;
        const entries = keysFromPem(pem.text);
        if (entries.length === 0) return unavailable('protocol', 'signature.pem holds no public key', { status: 200 });
        this.fetchedKeys = entries;
        return undefined;
      } finally {
        this.keysFetching = undefined;
      }
    })();
    return this.keysFetching;
  }

  private async get(path: string): Promise<{ kind: 'ok'; text: string } | Unavailable> {
    const controller = new AbortController();
    const timer: unknown = setTimeout(() => controller.abort(), this.http.timeoutMs);
    (timer as { unref?: () => void }).unref?.();
    try {
      const response = await this.http.fetch(`${this.endpoint}${path}`, { method: 'GET', headers: {}, signal: controller.signal, redirect: 'follow' });
      const text = await response.text();
      if (response.status === 200) return { kind: 'ok', text };
      return unavailable(response.status >= 500 ? 'server' : 'protocol', `GET ${path} answered ${response.status}`, { status: response.status });
    } catch (error) {
      return unavailable(controller.signal.aborted ? 'timeout' : 'network', `GET ${path} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      clearTimeout(timer as number);
    }
  }
}
