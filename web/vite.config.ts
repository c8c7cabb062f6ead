import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const server = 'http://127.0.0.1:8080';

/**
 * Source maps give away the whole source and weigh more than the app itself: built only when an
 * operator asks (LEASEHOLD_SOURCE_MAPS=1 at build time), and served only when the server is told
 * the same (docs/web-app.md).
 */
const sourceMaps = ['1', 'true', 'yes', 'on'].includes((process.env.LEASEHOLD_SOURCE_MAPS ?? '').trim().toLowerCase());

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: sourceMaps,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // React and the router change far less often than the app: in their own file, a new
          // release leaves them in the browser's cache. The rest splits by route (App.tsx).
          groups: [{ name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ }],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: server, changeOrigin: false },
      '/licensing': { target: server, changeOrigin: false },
      '/healthz': { target: server, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: server },
      '/licensing': { target: server },
      '/healthz': { target: server },
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    // Above asyncUtilTimeout (src/test/setup.ts), so that a failing wait reports what it waited for.
    testTimeout: 60_000,
    restoreMocks: true,
    // Dates are shown in the browser's zone; the tests expect them as UTC shows them, whatever the
    // machine's zone (a date of 12:00 UTC is the next day from UTC+12 on).
    env: { TZ: 'UTC' },
  },
});
