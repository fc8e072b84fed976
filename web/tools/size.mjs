// Prints the gzipped size of what the first screen loads (dist/index.html's script and styles,
// plus one language catalog chunk). `npm run size` after `npm run build`.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const gz = (file) => gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const entry = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const chunks = readdirSync(path.join(dist, 'assets')).filter((f) => /^(pl|de)-.*\.js$/.test(f));
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let js = 0;
for (const f of entry) {
  const n = gz(f);
  if (f.endsWith('.js')) js += n;
  console.log(`${f.padEnd(36)} ${kb(n)} gzipped`);
}
const lang = Math.max(0, ...chunks.map((f) => gz(`assets/${f}`)));
for (const f of chunks) console.log(`${('assets/' + f).padEnd(36)} ${kb(gz(`assets/${f}`))} gzipped (loaded only for that language)`);
console.log(`first staff screen JavaScript: ${kb(js)} (English) to ${kb(js + lang)} (Polish/German); budget 150 KB`);
if (js + lang > 150 * 1024) process.exitCode = 1;
