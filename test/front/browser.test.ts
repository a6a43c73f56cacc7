import { readdirSync, readFileSync } from 'node:fs';
import { HtmlValidate } from 'html-validate';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStore } from '../../src/pipeline/index.js';
import { createStoreServer, type StoreServer } from '../../src/serve/index.js';
import { exampleStore, tmpStore } from '../helpers.js';

// One browser and one built site (the example store, one description made hostile) for the file.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const HOSTILE = `Syncs files.

<script>window.__pwned = 'script'</script>
<img src="x" onerror="window.__pwned = 'onerror'">
[click me](javascript:window.__pwned='link') and [data](data:text/html,<script>alert(1)</script>) and [fine](https://example.com/ok)
`;

let browser: Browser;
let server: StoreServer;
let base: string;
let shared: Page;
let site: string;

beforeAll(async () => {
  const original = readFileSync(path.join(exampleStore, 'apps/legacy_sync/app.yaml'), 'utf8');
  const hostile = original.replace(/^summary:.*$/m, (line) => `${line}\ndescription: ${JSON.stringify(HOSTILE)}`);
  const dir = tmpStore({ 'store/apps/legacy_sync/app.yaml': hostile });
  const out = path.join(dir, 'dist');
  site = out;
  const [built, launched] = await Promise.all([
    buildStore({ storeDir: path.join(dir, 'store'), outDir: out, cacheDir: path.join(dir, 'cache'), env: {}, unsigned: true }),
    // launch() gives chromium a fresh temporary user-data-dir of its own, removed on close.
    chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }),
  ]);
  browser = launched;
  shared = await (await browser.newContext()).newPage();
  shared.on('dialog', (d) => void d.dismiss());
  expect(built.ok, JSON.stringify(built.diagnostics.filter((d) => d.severity === 'error'))).toBe(true);
  server = await createStoreServer(out);
  base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The file's one page, at `url` (a new context per test would cost ~1 s each on a busy machine). */
async function open(url: string, scheme: 'light' | 'dark' = 'light'): Promise<Page> {
  await shared.emulateMedia({ colorScheme: scheme });
  await shared.goto(`${base}${url}`);
  return shared;
}

async function axeViolations(page: Page): Promise<unknown[]> {
  await page.addScriptTag({ content: axeSource });
  const result = (await page.evaluate("axe.run({ resultTypes: ['violations'] })")) as {
    violations: { id: string; nodes: { target: unknown }[] }[];
  };
  return result.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target) }));
}

describe('store front in chromium', () => {
  it('lists every app of the example store on the home page, which needs no JavaScript', async () => {
    const ids = readdirSync(path.join(exampleStore, 'apps')).sort();
    const page = await open('/');
    const linked = await page.$$eval('.cards a', (as) => as.map((a) => a.getAttribute('href')));
    expect(linked.sort()).toEqual(ids.map((id) => `apps/${id}/`));
    expect(await page.locator('h1').textContent()).toBe('appshelf example store');
    expect(await page.locator('script').count()).toBe(0);
  });

  it('finds an app by a word of its description, with filters kept in a shareable URL', async () => {
    const page = await open('/search.html');
    await page.locator('#status', { hasText: '4 apps' }).waitFor();
    await page.fill('#q', 'conflict');
    await page.locator('#status', { hasText: 'conflict' }).waitFor();
    expect(await page.locator('#results a').getAttribute('href')).toBe('apps/shelfnotes/');
    expect(await page.locator('#results li').count()).toBe(1);
    expect(new URL(page.url()).searchParams.get('q')).toBe('conflict');
    await page.goto(`${base}/search.html?category=monitoring`);
    await page.locator('#status', { hasText: '1 app.' }).waitFor();
    expect(await page.locator('#results a').getAttribute('href')).toBe('apps/cockpit/');
    expect(await page.locator('#category').inputValue()).toBe('monitoring');
  });

  it('shows the rendered changelog, release numbers, the staged rollout and the pinned channel', async () => {
    const page = await open('/apps/shelfnotes/');
    const release = page.locator('article.release#v1\\.5\\.0');
    expect(await release.locator('h3').textContent()).toMatch(/^Release \d+ · 1\.5\.0$/);
    expect(await release.locator('.prose h4').count()).toBeGreaterThan(0);
    expect(await release.locator('.prose li').count()).toBeGreaterThan(0);
    expect(await page.locator('#channels-h + div').textContent()).toContain('1.5.0 rolling out to 25% of clients');
    expect(await page.locator('img.icon').getAttribute('src')).toBe('icon.png');
    await page.goto(`${base}/apps/cockpit/`);
    expect(await page.locator('#channels-h + div').textContent()).toContain('Pinned: restored to 2.0.1');
  });

  it('renders a hostile description inert', async () => {
    const page = await open('/apps/legacy_sync/');
    const prose = page.locator('section[aria-labelledby="about-h"] .prose');
    expect(await prose.textContent()).toContain('<script>');
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await prose.locator('script, img, [onerror]').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"], a[href^="data:"]').count()).toBe(0);
    expect(await prose.locator('a[href="https://example.com/ok"]').getAttribute('rel')).toBe('noopener nofollow ugc');
    await page.click('text=click me').catch(() => {});
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
  });

  it('is keyboard navigable: the first Tab reaches the skip link', async () => {
    const page = await open('/');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
  });

  it('fits a phone screen: no page scrolls sideways at 360 px', async () => {
    await shared.setViewportSize({ width: 360, height: 740 });
    try {
      for (const url of ['/', '/apps/shelfnotes/', '/search.html?q=sync']) {
        const page = await open(url);
        expect({ url, width: await page.evaluate('document.documentElement.scrollWidth') }).toEqual({ url, width: 360 });
      }
    } finally {
      await shared.setViewportSize({ width: 1280, height: 720 });
    }
  });

  it('serves valid HTML on every page of the example store', async () => {
    const pages = readdirSync(site, { recursive: true, encoding: 'utf8' }).filter((r) => r.endsWith('.html'));
    for (const id of readdirSync(path.join(site, 'apps'))) pages.push(`apps/${id}/index.html`);
    const validator = new HtmlValidate({ extends: ['html-validate:standard', 'html-validate:document'], rules: { 'require-sri': 'off' } });
    const problems: string[] = [];
    for (const rel of pages) {
      const report = await validator.validateString(readFileSync(path.join(site, rel), 'utf8'), rel);
      problems.push(...report.results.flatMap((r) => r.messages.map((m) => `${rel}:${m.line}: ${m.ruleId} ${m.message}`)));
    }
    expect(pages.length).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });

  it('has no axe-core violations on the home, app and search pages (light and dark)', async () => {
    // Side by side in pages of one context: each check is mostly chromium's own work.
    const checks = [
      ['/', 'light'],
      ['/apps/shelfnotes/', 'light'],
      ['/search.html?q=note', 'light'],
      ['/apps/cockpit/', 'dark'],
    ] as const;
    const found = await Promise.all(
      checks.map(async ([url, scheme]) => {
        const page = await shared.context().newPage();
        try {
          await page.emulateMedia({ colorScheme: scheme });
          await page.goto(`${base}${url}`);
          if (url.startsWith('/search')) await page.locator('#results li').first().waitFor();
          return { url, scheme, violations: await axeViolations(page) };
        } finally {
          await page.close();
        }
      }),
    );
    expect(found).toEqual(checks.map(([url, scheme]) => ({ url, scheme, violations: [] })));
  });
});
