#!/usr/bin/env node
// Runs the TypeScript sources directly: nothing to build before `npx leasehold` works after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
