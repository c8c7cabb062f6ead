#!/usr/bin/env node
// The CLI runs the compiled server in dist/ (`npm run build`; the package ships it built). Nothing
// compiles or bundles at run time, so a read-only install starts as fast as any other.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('leasehold: the server is not built (no dist/cli/main.js): run `npm run build` first\n');
  process.exit(1);
}
await import(main.href);
