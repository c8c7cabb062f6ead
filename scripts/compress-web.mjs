// Writes NAME.br and NAME.gz beside each text file of the built web app, once at build time, so
// that the server sends them as they are (@fastify/static's preCompressed) instead of compressing
// every response. Usage: node scripts/compress-web.mjs [dir]   (default web/dist)
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** What compresses: text. Images and fonts are compressed already; source maps are served only when turned on, and never to users. */
const TEXT = new Set(['.html', '.js', '.mjs', '.css', '.svg', '.json', '.txt', '.xml', '.webmanifest']);

const ENCODINGS = [
  // Brotli's best: about a second for the whole app, paid once per build.
  {
    ext: '.br',
    compress: (data) =>
      brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }),
  },
  { ext: '.gz', compress: (data) => gzipSync(data, { level: 9 }) },
];

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Compresses every text file under `dir`; a compressed copy that is not smaller is not written, and the original is sent instead. */
export function compressWeb(dir) {
  const written = [];
  for (const file of files(dir)) {
    if (!TEXT.has(extname(file))) continue;
    const data = readFileSync(file);
    for (const { ext, compress } of ENCODINGS) {
      const compressed = compress(data);
      if (compressed.length >= data.length) continue;
      writeFileSync(file + ext, compressed);
      written.push({ file: file + ext, size: compressed.length, original: statSync(file).size });
    }
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? fileURLToPath(new URL('../web/dist', import.meta.url));
  console.log(`Compressed ${compressWeb(dir).length} files of ${dir} (.br, .gz)`);
}
