import { defineConfig } from '@playwright/test';

/**
 * The browser is Debian's Chromium (/usr/bin/chromium); nothing downloads one. The server is a real
 * `leasehold serve` on a fresh database, started by global-setup.ts.
 */
export default defineConfig({
  testDir: './tests',
  // Bounds on a failing test or wait, not paces: a sign-in alone costs about two seconds of
  // password hashing on an idle machine, several times that on busy shared cores.
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json']],
  globalSetup: './global-setup.ts',
  globalTeardown: './global-teardown.ts',
  use: {
    viewport: { width: 1400, height: 900 },
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      // Without the background-networking flags Chromium keeps trying hosts this network refuses.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  outputDir: './test-results',
});
