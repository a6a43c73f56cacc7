import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { HtmlValidate } from 'html-validate';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildStore } from '../../src/pipeline/index.js';
import { checkStore } from '../../src/pipeline/check-and-build.js';
import { plainText, renderMarkdown } from '../../src/emit/front/index.js';
import { isLazy, materialize, type SiteFiles } from '../../src/emit/index.js';
import { fixture, tmpDir, tmpStore } from '../helpers.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe('Markdown of descriptions and changelogs', () => {
  it('renders hostile input inert: raw HTML as text, no script, handler, image or javascript:/data: link', () => {
    const html = renderMarkdown(
      [
        '<script>alert(1)</script>',
        '<img src=x onerror="alert(2)">',
        '[a](javascript:alert(3)) [b](JAVASCRIPT:alert(4)) [c](data:text/html,x) [d](vbscript:x) [e](javascript&#58;alert(5))',
        '![img](https://tracker.example/p.png)',
        '[ok](https://example.com/x) <https://example.com/auto>',
      ].join('\n\n'),
    );
    expect(html).not.toMatch(/<script|<img|href="(javascript|data|vbscript)/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('onerror=&quot;alert(2)&quot;');
    expect(html).toContain('<a href="https://example.com/x" rel="noopener nofollow ugc">ok</a>');
    expect(html).toContain('<a href="https://example.com/auto" rel="noopener nofollow ugc">');
  });

  it("moves the text's top heading to the level asked for", () => {
    expect(renderMarkdown('## Features\n\n### Small\n\n* one', { topHeading: 4 })).toBe(
      '<h4>Features</h4>\n<h5>Small</h5>\n<ul>\n<li>one</li>\n</ul>\n',
    );
    expect(plainText('## Fixes\n* **Sync** no longer `hangs`', 100)).toBe('Fixes Sync no longer hangs');
  });
});

describe('store front files', () => {
  let files: SiteFiles;
  const text = (rel: string) => {
    const c = files.get(rel);
    if (!(c instanceof Uint8Array)) throw new Error(`${rel} is not in the site`);
    return Buffer.from(c).toString('utf8');
  };

  beforeAll(async () => {
    const dir = tmpStore(
      {
        'store/apps/hello/app.yaml':
          'id: hello\nname: Hello\nsummary: Says hello.\ndescription: "Greets **everyone**.\\n\\n<b onmouseover=x>hi</b>"\nowners: [hello-dev]\ncategories: [tools]\nicon: icon.png\nissues: https://example.com/issues\n',
        'store/apps/hello/icon.png': PNG,
        'store/apps/hello/releases/1.0.0.yaml': `${readFileSync(path.join(fixture('minimal'), 'store/apps/hello/releases/1.0.0.yaml'), 'utf8')}yanked: true\nyankReason: Deletes greetings.\n`,
      },
      path.join(fixture('minimal'), 'store'),
    );
    const built = await buildStore({ storeDir: path.join(dir, 'store'), write: false, cacheDir: path.join(dir, 'cache'), env: {} });
    expect(built.ok).toBe(true);
    files = built.files;
    materialize(files);
    expect([...files.values()].some(isLazy)).toBe(false);
  });

  it('has a home page, an app page with its icon and feed, a category page, about, search page and index', () => {
    for (const rel of [
      'index.html',
      'search.html',
      'about.html',
      'feed.atom',
      'search-index.json',
      'categories/tools.html',
      'apps/hello/index.html',
      'apps/hello/feed.atom',
      'apps/hello/icon.png',
      'assets/style.css',
      'assets/search.js',
      'assets/minisearch.js',
    ]) {
      expect(files.has(rel), rel).toBe(true);
    }
    expect(text('index.html')).toContain('href="apps/hello/"');
    const app = text('apps/hello/index.html');
    expect(app).toContain('<strong>everyone</strong>');
    expect(app).toContain('&lt;b onmouseover=x&gt;hi&lt;/b&gt;');
    expect(app).toContain('Release 2 · 1.1.0');
    expect(app).toContain('53068fc4193d2e6bab6ca7fdebef4cfa898dae77dc544440a51129a51c671446');
    expect(app).toContain('https://apps.example.com/update/hello/stable/linux/x86-64/index.json');
    expect(app).toContain('href="https://example.com/issues"');
    expect(app).toContain('<span class="badge yanked">Yanked: Deletes greetings.</span>');
  });

  it('writes valid HTML on every page', async () => {
    // SRI is for files from other origins; the pages load only their own site's files.
    const validator = new HtmlValidate({ extends: ['html-validate:standard', 'html-validate:document'], rules: { 'require-sri': 'off' } });
    for (const rel of [...files.keys()].filter((r) => r.endsWith('.html'))) {
      const report = await validator.validateString(text(rel), rel);
      expect(report.results.flatMap((r) => r.messages.map((m) => `${rel}:${m.line}: ${m.ruleId} ${m.message}`))).toEqual([]);
    }
  });

  it('makes no page for a category that could name a path', async () => {
    const dir = tmpStore(
      { 'store/apps/hello/app.yaml': 'id: hello\nname: Hello\ncategories: ["../../escape", "a/b", ok]\n' },
      path.join(fixture('minimal'), 'store'),
    );
    const built = await buildStore({ storeDir: path.join(dir, 'store'), write: false, cacheDir: path.join(dir, 'cache'), env: {} });
    expect([...built.files.keys()].filter((r) => r.startsWith('categories/') && r.endsWith('.html'))).toEqual(['categories/ok.html']);
  });

  it('writes Atom feeds of new releases and a search index the browser loads', () => {
    const feed = new XMLParser({ ignoreAttributes: false }).parse(text('feed.atom')).feed;
    expect(feed.entry.map((e: { title: string }) => e.title)).toEqual(['Hello 1.1.0', 'Hello 1.0.0 (yanked)']);
    expect(feed.link[0]['@_href']).toBe('https://apps.example.com/feed.atom');
    const index = JSON.parse(text('search-index.json'));
    expect(index.docs).toMatchObject([{ id: 'hello', name: 'Hello', categories: ['tools'], platforms: ['linux'], latest: '1.1.0' }]);
    expect(index.index.documentCount).toBe(1);
  });
});

describe('store front inputs are checked', () => {
  it('refuses images that are not what they say, too large, or outside the app folder, and categories outside the vocabulary', async () => {
    const outside = path.join(tmpDir(), 'secret.png');
    writeFileSync(outside, PNG);
    const dir = tmpStore(
      {
        'store/store.yaml':
          'name: S\nchannels: [{ name: stable }]\ntrust: { signatures: optional }\ncategories: [{ id: tools, name: Tools }]\n',
        'store/apps/hello/app.yaml':
          'id: hello\nname: Hello\ncategories: [tools, games]\nicon: icon.png\nscreenshots: [{ file: big.png }, { file: link.png }, { file: missing.webp }]\n',
        'store/apps/hello/icon.png': Buffer.from('<svg onload="alert(1)"/>'),
        'store/apps/hello/big.png': Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)]),
      },
      null,
    );
    symlinkSync(outside, path.join(dir, 'store/apps/hello/link.png'));
    const checked = await checkStore({ storeDir: path.join(dir, 'store'), cacheDir: path.join(dir, 'cache') });
    const codes = checked.diagnostics.map((d) => `${d.code} ${d.message}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^E_CATEGORY_UNKNOWN Category "games"/),
        'E_MEDIA_TYPE Image icon.png is not a PNG image (its first bytes say otherwise).',
        expect.stringMatching(/^E_MEDIA_TOO_LARGE Image big.png has \d+ bytes; the limit is 2097152/),
        // A link is refused like any link in the store, never followed.
        expect.stringMatching(/^E_SYMLINK .*apps\/hello\/link.png is a symbolic link/),
        expect.stringMatching(/^E_MEDIA_MISSING Image missing.webp/),
      ]),
    );
    expect(checked.ok).toBe(false);
  });

  it('refuses image paths that leave the folder in the schema', async () => {
    const dir = tmpStore(
      {
        'store/store.yaml': 'name: S\nchannels: [{ name: stable }]\n',
        'store/apps/hello/app.yaml': 'id: hello\nname: Hello\nicon: ../other/icon.png\n',
      },
      null,
    );
    const checked = await checkStore({ storeDir: path.join(dir, 'store'), cacheDir: path.join(dir, 'cache') });
    expect(checked.diagnostics.map((d) => d.code)).toContain('E_SCHEMA_VALUE');
  });
});
