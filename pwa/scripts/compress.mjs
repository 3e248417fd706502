// After `vite build`: write a gzip (.gz) and a brotli (.br) copy beside each text file of dist, at the highest
// levels, once per build. The server (WhiteNoise, backend/static.py) sends the smallest one the browser accepts.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const DIST = new URL('../dist/', import.meta.url).pathname;
const TEXT = /\.(js|mjs|css|html|json|webmanifest|svg|txt)$/;
const MIN_BYTES = 512; // below this the headers cost more than they save

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

let raw = 0, br = 0, count = 0;
for (const path of files(DIST)) {
  if (!TEXT.test(path)) continue;
  const data = readFileSync(path);
  if (data.length < MIN_BYTES) continue;
  const gz = gzipSync(data, { level: 9 });
  const b = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
  if (gz.length < data.length) writeFileSync(`${path}.gz`, gz);
  if (b.length < data.length) writeFileSync(`${path}.br`, b);
  raw += data.length; br += b.length; count += 1;
}
console.log(`compressed ${count} files: ${(raw / 1024).toFixed(1)} KB → ${(br / 1024).toFixed(1)} KB brotli`);
