import { buffer, toHex, utf8Encode } from './encoding.js';
import { importNodeModule, nodeProcess } from './node.js';
import { webCrypto } from './webcrypto.js';

export interface MachineClientIdOptions {
  /**
   * Makes the id specific to an application or vendor: the same machine gets unrelated ids in
   * different namespaces, so ids cannot be matched across vendors. LicenseClient uses its endpoint.
   */
  namespace?: string;
  /**
   * Where the machine's raw identifier comes from, instead of the operating system's (for a
   * container or a cloned VM image that shares one, or any id the application trusts more).
   * It is hashed like the system's: the raw value never leaves the machine.
   */
  source?: () => string | undefined | null | Promise<string | undefined | null>;
}

type ExecFile = (file: string, args: string[], options: { timeout: number; windowsHide: boolean }, callback: (error: unknown, stdout: string) => void) => void;

async function run(file: string, args: string[]): Promise<string | undefined> {
  const cp = await importNodeModule<{ execFile: ExecFile }>('node:child_process');
  if (!cp) return undefined;
  return new Promise((resolve) => {
    try {
      cp.execFile(file, args, { timeout: 3000, windowsHide: true }, (error, stdout) => resolve(error ? undefined : String(stdout)));
    } catch {
      resolve(undefined);
    }
  });
}

async function readText(path: string): Promise<string | undefined> {
  const fs = await importNodeModule<{ readFile(path: string, encoding: 'utf8'): Promise<string> }>('node:fs/promises');
  try {
    const text = (await fs?.readFile(path, 'utf8'))?.trim();
    return text ? text : undefined;
  } catch {
    return undefined;
  }
}

interface OsModule {
  hostname(): string;
  networkInterfaces(): Record<string, { mac: string; internal: boolean }[] | undefined>;
}

/**
 * The operating system's machine identifier: /etc/machine-id (Linux), IOPlatformUUID (macOS),
 * MachineGuid (Windows); else the host name and hardware addresses. Undefined outside Node.
 */
async function systemMachineId(): Promise<string | undefined> {
  const proc = nodeProcess();
  if (!proc) return undefined;
  let id: string | undefined;
  if (proc.platform === 'linux' || proc.platform === 'freebsd' || proc.platform === 'openbsd') {
    id = (await readText('/etc/machine-id')) ?? (await readText('/var/lib/dbus/machine-id')) ?? (await readText('/etc/hostid'));
  } else if (proc.platform === 'darwin') {
    id = /"IOPlatformUUID"\s*=\s*"([^"]+)"/.exec((await run('ioreg', ['-rd1', '-c', 'IOPlatformExpertDevice'])) ?? '')?.[1];
  } else if (proc.platform === 'win32') {
    id = /MachineGuid\s+REG_SZ\s+(\S+)/i.exec((await run('reg', ['query', 'HKLM\\SOFTWARE\\Microsoft\\Cryptography', '/v', 'MachineGuid'])) ?? '')?.[1];
  }
  if (id) return `${proc.platform}:${id}`;
  const os = await importNodeModule<OsModule>('node:os');
  if (!os) return undefined;
  const macs = Object.values(os.networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((i) => !i.internal && i.mac && i.mac !== '00:00:00:00:00:00')
    .map((i) => i.mac.toLowerCase());
  return `${proc.platform}:${os.hostname()}:${[...new Set(macs)].sort().join(',')}`;
}

const STORAGE_KEY = 'leasehold.machine';
let processRandom: string | undefined;

/** In a browser: a random id kept in localStorage, or one per page load where there is none. */
async function browserMachineId(): Promise<string> {
  const random = async () => toHex((await webCrypto()).getRandomValues(new Uint8Array(16)));
  try {
    const storage = (globalThis as { localStorage?: { getItem(k: string): string | null; setItem(k: string, v: string): void } }).localStorage;
    if (storage) {
      const stored = storage.getItem(STORAGE_KEY);
      if (stored && /^[0-9a-f]{32}$/.test(stored)) return `browser:${stored}`;
      const fresh = await random();
      storage.setItem(STORAGE_KEY, fresh);
      return `browser:${fresh}`;
    }
  } catch {
    // Storage refused (private mode, sandboxed frame): fall through to a per-load id.
  }
  processRandom ??= await random();
  return `ephemeral:${processRandom}`;
}

let systemId: Promise<string | undefined> | undefined;

/**
 * A stable client id for this machine: 32 hex characters, the HMAC-SHA256 of the namespace keyed
 * with the machine's identifier, so the raw identifier (machine-id, hardware UUID, MAC addresses)
 * never leaves the machine and ids differ between namespaces. The same machine and namespace
 * always give the same id; the server uses it to give a restarted application its seat back.
 */
export async function machineClientId(options: MachineClientIdOptions = {}): Promise<string> {
  let raw: string | undefined | null;
  if (options.source) {
    raw = await options.source();
  } else {
    systemId ??= systemMachineId().catch(() => undefined);
    raw = await systemId;
  }
  if (!raw) raw = await browserMachineId();
  const subtle = (await webCrypto()).subtle;
  const key = await subtle.importKey('raw', buffer(utf8Encode(`leasehold-client-id:v1:${raw}`)), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await subtle.sign('HMAC', key, buffer(utf8Encode(options.namespace ?? 'leasehold')));
  return toHex(mac).slice(0, 32);
}
