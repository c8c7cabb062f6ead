import type { Organization } from '../../../api/types';

/** Saves the organization's public key as `<name>-signing-key.pem`. */
export function downloadPem(org: Organization) {
  const blob = new Blob([org.publicKey.endsWith('\n') ? org.publicKey : `${org.publicKey}\n`], { type: 'application/x-pem-file' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${org.name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'organization'}-signing-key.pem`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
