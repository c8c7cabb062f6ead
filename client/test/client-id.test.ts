import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { describe, it } from 'node:test';
import { LicenseClient, machineClientId } from '../src/index.js';

describe('machineClientId', () => {
  it('is stable, 32 hex characters, and different in each namespace', async () => {
    const a = await machineClientId({ namespace: 'https://licenses.example.com/licensing/org-a' });
    assert.match(a, /^[0-9a-f]{32}$/);
    assert.equal(await machineClientId({ namespace: 'https://licenses.example.com/licensing/org-a' }), a);
    assert.notEqual(await machineClientId({ namespace: 'https://licenses.example.com/licensing/org-b' }), a);
    assert.equal(await machineClientId(), await machineClientId({ namespace: 'leasehold' }));
  });

  it('never contains the raw machine identifiers', async () => {
    const id = await machineClientId();
    const raw = [hostname().toLowerCase()];
    if (existsSync('/etc/machine-id')) raw.push(readFileSync('/etc/machine-id', 'utf8').trim());
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) if (!i.internal) raw.push(i.mac.replace(/:/g, ''));
    for (const value of raw.filter((v) => v.length >= 8)) {
      assert.ok(!id.includes(value.slice(0, 8)) && !value.includes(id.slice(0, 12)), `leaks ${value}`);
    }
  });

  it('takes the raw identifier from the application when it gives one, and still hashes it', async () => {
    const fromApp = await machineClientId({ source: () => 'serial-1234', namespace: 'x' });
    assert.match(fromApp, /^[0-9a-f]{32}$/);
    assert.equal(await machineClientId({ source: async () => 'serial-1234', namespace: 'x' }), fromApp);
    assert.notEqual(await machineClientId({ source: () => 'serial-1235', namespace: 'x' }), fromApp);
    assert.notEqual(fromApp, await machineClientId({ namespace: 'x' }));
    assert.ok(!fromApp.includes('1234'));
  });

  it('is what LicenseClient sends by default (namespaced by the endpoint), unless the application overrides it', async () => {
    const endpoint = 'https://licenses.example.com/licensing/8c1f4c2e-0000-4000-8000-000000000000/';
    assert.equal(await new LicenseClient({ endpoint }).getClientId(), await machineClientId({ namespace: endpoint.replace(/\/$/, '') }));
    assert.equal(await new LicenseClient({ endpoint, clientId: 'seat-7' }).getClientId(), 'seat-7');
    assert.equal(await new LicenseClient({ endpoint, clientId: null }).getClientId(), undefined);
  });
});
