// Regenerates the store front screenshots in docs/ (home and an app page, light and dark):
// builds the example store into a temporary folder, serves it with appshelf's server on a
// free port and photographs it with Debian's chromium through playwright-core.
//   npm run build:lib && node scripts/screenshots.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildStore } from '../lib/index.js';
import { createStoreServer } from '../lib/serve/index.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const tmp = mkdtempSync(path.join(tmpdir(), 'appshelf-shots-'));
try {
  const out = path.join(tmp, 'dist');
  const built = await buildStore({ storeDir: path.join(root, 'store'), outDir: out, cacheDir: path.join(tmp, 'cache'), env: {} });
  if (!built.ok) throw new Error(`the example store did not build: ${built.diagnostics.map((d) => d.message).join('; ')}`);
  const server = await createStoreServer(out, { snapshots: false });
  const port = await server.listen(0, '127.0.0.1');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    for (const scheme of ['light', 'dark']) {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, colorScheme: scheme });
      for (const [name, url] of [
        ['home', '/'],
        ['app', '/apps/shelfnotes/'],
      ]) {
        await page.goto(`http://127.0.0.1:${port}${url}`);
        const file = path.join(root, 'docs', `store-front-${name}${scheme === 'dark' ? '-dark' : ''}.png`);
        await page.screenshot({ path: file });
        console.log(`wrote ${path.relative(root, file)}`);
      }
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
