import { describe, expect, it } from 'vitest';
import { parseInfoXml } from '../../src/inspect/index.js';
import { infoXml } from './_bundles.js';

describe('parseInfoXml', () => {
  it("maps info.xml to plain data with Nextcloud's defaults", () => {
    const r = parseInfoXml(
      infoXml({
        summary: '',
        licence: '<licence>agpl-3.0-OR-later</licence>\n  <licence>mit</licence>',
        category: '<category>auth</category>',
        bugs: '<repository type="git">https://example.com/news.git</repository>\n  <screenshot small-thumbnail="https://example.com/s.png">https://example.com/b.png</screenshot>',
      }),
    );
    expect(r.problems).toEqual([]);
    expect(r.info).toMatchObject({
      summary: { en: '# Description\nReads feeds & more.' },
      licence: ['AGPL-3.0-or-later', 'MIT'],
      category: ['security'],
      repository: { url: 'https://example.com/news.git', type: 'git' },
      screenshot: [{ url: 'https://example.com/b.png', 'small-thumbnail': 'https://example.com/s.png' }],
    });
  });

  it('decodes the predefined entities and character references, and nothing else', () => {
    const r = parseInfoXml(infoXml({ name: '<name>A &lt;b&gt; &#169; &#x263A; &amp;amp;</name>' }));
    expect(r.info?.name).toEqual({ en: 'A <b> © ☺ &amp;' });
  });

  it('names each invalid element', () => {
    const r = parseInfoXml(
      infoXml({
        author: '<author mail="not-an-address">X</author>',
        category: '<category>games</category>\n  <category>toys</category>',
        dependencies: '<dependencies><php min-version="eight"/><nextcloud min-version="30" max-version="32"/></dependencies>',
        bugs: '<screenshot>http://example.com/a.png</screenshot>',
      }),
    );
    expect(r.info).toBeUndefined();
    expect(r.problems.map((p) => ('element' in p ? p.element : p.kind)).sort()).toEqual([
      '<author mail>',
      '<category>',
      '<php min-version>',
      '<screenshot>',
    ]);
    expect(r.version).toBe('1.1.0');
  });

  it('refuses a second <version> and a bad lang code', () => {
    const r = parseInfoXml(
      infoXml({ version: '<version>1.1.0</version><version>1.2.0</version>', name: '<name>News</name><name lang="Deutsch!">N</name>' }),
    );
    expect(r.problems).toEqual([
      { kind: 'invalid', element: '<version>', detail: 'appears 2 times; only one is allowed' },
      {
        kind: 'invalid',
        element: '<name lang="Deutsch!">',
        detail: 'has a lang attribute that is not a language code such as en, de or pt-br',
      },
    ]);
    expect(r.version).toBeUndefined();
  });

  it('needs one root element <info>', () => {
    expect(parseInfoXml('<app><id>x</id></app>').problems).toMatchObject([{ kind: 'malformed', reason: expect.stringContaining('<app>') }]);
  });
});
