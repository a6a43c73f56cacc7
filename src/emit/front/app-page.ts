import type { AppMedia } from '../../inspect/media.js';
import { feedLinks } from '../feeds/index.js';
import { dateTag, esc, formatSize, hasCategoryPage, osLabel, page } from './html.js';
import { plainText, renderMarkdown } from './markdown.js';
import type { AppDoc, DocRelease, FrontCard, FrontStore } from './types.js';

/** Links of app.yaml that the API document does not carry. */
export interface AppLinks {
  issues?: string;
  repository?: string;
}

/** The platforms (os, arch) an app has files for, plus docker: what install instructions and manifest URLs are given for. */
function appPlatforms(doc: AppDoc): { os: string; arch: string }[] {
  const seen = new Map<string, { os: string; arch: string }>();
  for (const r of doc.releases) {
    for (const f of r.files) for (const arch of f.architectures) seen.set(`${f.os}/${arch}`, { os: f.os, arch });
    if (r.docker) seen.set('docker/any', { os: 'docker', arch: 'any' });
  }
  return [...seen.values()].sort((a, b) => (`${a.os}/${a.arch}` < `${b.os}/${b.arch}` ? -1 : 1));
}

/** The app's entry in the store-wide pages. */
export function appCard(doc: AppDoc, media: AppMedia | undefined): FrontCard {
  return {
    id: doc.id,
    name: doc.name,
    summary: doc.summary,
    icon: media?.icon ? `apps/${doc.id}/${media.icon.name}` : undefined,
    categories: doc.categories,
    platforms: [...new Set(appPlatforms(doc).map((p) => p.os))],
    // What the most mature channel serves everyone: a card should not advertise a beta.
    latest: doc.live[doc.channels[0]?.name ?? ''] ?? doc.latest,
    updatedAt: doc.updatedAt,
    text: plainText(doc.description, 300),
    recent: [...doc.releases]
      .sort((a, b) => (b.release ?? 0) - (a.release ?? 0))
      .slice(0, 3)
      .map((r) => ({
        version: r.version,
        release: r.release,
        date: r.createdAt ?? r.date,
        yanked: r.yanked,
        html: renderMarkdown(truncate(r.changelog, 2000), { topHeading: 2 }),
      })),
  };
}

/** `apps/<id>/index.html`: everything a person needs to judge, install and follow the app. */
export function renderAppPage(doc: AppDoc, store: FrontStore, links: AppLinks, media: AppMedia | undefined): string {
  const root = '../../';
  const categoryName = (id: string) => store.categories.find((c) => c.id === id)?.name ?? id;
  const meta: [string, string][] = [];
  if (doc.latest) meta.push(['Newest release', esc(doc.latest)]);
  if (doc.license) meta.push(['License', esc(doc.license)]);
  if (doc.categories.length)
    meta.push([
      'Categories',
      doc.categories
        .map((c) => (hasCategoryPage(c) ? `<a href="${root}categories/${esc(c)}.html">${esc(categoryName(c))}</a>` : esc(categoryName(c))))
        .join(', '),
    ]);
  if (doc.authors.length)
    meta.push(['Authors', doc.authors.map((a) => (a.homepage ? externalLink(a.homepage, a.name) : esc(a.name))).join(', ')]);
  if (doc.owners.length) meta.push(['Owners', doc.owners.map(esc).join(', ')]);
  if (doc.homepage) meta.push(['Homepage', externalLink(doc.homepage, doc.homepage)]);
  if (links.issues) meta.push(['Issues', externalLink(links.issues, links.issues)]);
  if (links.repository) meta.push(['Source', externalLink(links.repository, links.repository)]);
  if (doc.updatedAt) meta.push(['Updated', dateTag(doc.updatedAt)]);

  const icon = media?.icon
    ? `<img class="icon" src="${esc(media.icon.name)}" alt="" width="64" height="64">`
    : `<span class="icon letter" aria-hidden="true">${esc(doc.name.slice(0, 1).toUpperCase())}</span>`;
  const main = `<article class="app">
<header class="app-head">
${icon}
<div>
<h1>${esc(doc.name)}</h1>
<p class="summary">${esc(doc.summary)}</p>
${doc.locked ? '<p><span class="badge warn">Locked: no new releases are accepted</span></p>' : ''}
</div>
</header>
<dl class="meta">${meta.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join('')}</dl>
${doc.description ? `<section aria-labelledby="about-h"><h2 id="about-h">About</h2><div class="prose">${renderMarkdown(doc.description)}</div></section>` : ''}
${screenshots(doc, media)}
${channelsSection(doc)}
${installSection(doc, store)}
${releasesSection(doc, root)}
${logSection(doc, store)}
</article>`;
  return page(
    {
      storeName: store.name,
      root,
      title: `${doc.name} · ${store.name}`,
      description: doc.summary,
      feed: { href: `apps/${doc.id}/feed.atom`, title: `${doc.name}: new releases` },
    },
    main,
  );
}

// --- internal ---

const truncate = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}…` : s);

const externalLink = (url: string, text: string) =>
  /^https?:\/\//i.test(url) ? `<a href="${esc(url)}" rel="noopener nofollow ugc">${esc(text)}</a>` : esc(text);

function screenshots(doc: AppDoc, media: AppMedia | undefined): string {
  // The caption is the figure's description; the alt text only names the image (axe: no redundant alt).
  const own = (media?.screenshots ?? []).map(
    (s, i) =>
      `<li><figure><img src="${esc(s.name)}" alt="Screenshot ${i + 1} of ${esc(doc.name)}" loading="lazy">${s.caption ? `<figcaption>${esc(s.caption)}</figcaption>` : ''}</figure></li>`,
  );
  // Nextcloud bundles name their screenshots by URL in info.xml: linked, not loaded from another host.
  const remote = (doc.releases.find((r) => !r.yanked && r.info?.screenshot?.length)?.info?.screenshot ?? [])
    .slice(0, 8)
    .map((s, i) => `<li>${externalLink(s.url, `Screenshot ${i + 1} (external)`)}</li>`);
  if (!own.length && !remote.length) return '';
  return `<section aria-labelledby="shots-h"><h2 id="shots-h">Screenshots</h2><ul class="shots">${own.join('')}${remote.join('')}</ul></section>`;
}

function channelsSection(doc: AppDoc): string {
  const rows = doc.channels.map((c) => {
    const live = doc.live[c.name];
    const notes: string[] = [];
    if (doc.pins[c.name]) notes.push(`<span class="badge pin">Pinned: restored to ${esc(doc.pins[c.name])}</span>`);
    for (const r of doc.releases) {
      const pct = r.rollout[c.name];
      if (r.yanked || !r.channels.includes(c.name) || pct === undefined || pct >= 100 || doc.pins[c.name]) continue;
      notes.push(
        `<span class="badge rollout">${esc(r.version)} rolling out to ${pct}% of clients</span> <meter min="0" max="100" value="${pct}" aria-label="${esc(r.version)} rollout on ${esc(c.name)}">${pct}%</meter>`,
      );
    }
    return `<tr><th scope="row">${esc(c.name)}${c.description ? `<br><span class="muted">${esc(c.description)}</span>` : ''}</th><td>${live ? esc(live) : '<span class="muted">none</span>'}</td><td>${notes.join(' ') || '<span class="muted">fully rolled out</span>'}</td></tr>`;
  });
  return `<section aria-labelledby="channels-h"><h2 id="channels-h">Channels</h2>
<div class="scroll"><table><caption class="sr">Version every client of each channel gets</caption><thead><tr><th scope="col">Channel</th><th scope="col">Live version</th><th scope="col">State</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`;
}

function installSection(doc: AppDoc, store: FrontStore): string {
  const base = store.baseUrl ? (store.baseUrl.endsWith('/') ? store.baseUrl : `${store.baseUrl}/`) : undefined;
  const url = (rel: string) => (base ? new URL(rel, base).href : rel);
  const link = (rel: string) => `<a href="${base ? esc(url(rel)) : `../../${esc(rel)}`}">${esc(url(rel))}</a>`;
  const channels = doc.channels.filter((c) => doc.live[c.name]);
  const platforms = appPlatforms(doc);
  if (!platforms.length) return '';
  const storeFlag = base ? ` --store-url ${base}` : '';
  const items = platforms.map(({ os, arch }) => {
    const steps: string[] = [];
    if (os === 'docker') {
      const live = doc.releases.find((r) => r.version === doc.live[channels[0]?.name ?? ''])?.docker;
      if (live) steps.push(`<p>Pull the live image:</p><pre><code>docker pull ${esc(live.ref)}</code></pre>`);
    } else {
      steps.push(
        `<p>With the appshelf client:</p><pre><code>npx appshelf install ${esc(doc.id)}${esc(storeFlag)} --os ${esc(os)} --arch ${esc(arch)}</code></pre>`,
      );
    }
    const manifests = channels.map((c) => `<li>${esc(c.name)}: ${link(`update/${doc.id}/${c.name}/${os}/${arch}/index.json`)}</li>`);
    return `<details><summary>${esc(osLabel(os))} · ${esc(arch)}</summary>
${steps.join('\n')}
<p>Signed update manifests (per channel; a client at rollout percentile <var>p</var> fetches <code>&lt;p&gt;.json</code> beside the index):</p><ul class="urls">${manifests.join('')}</ul>
</details>`;
  });
  // Site-absolute without a baseUrl (`/feeds/…`): relative from the app page, so a site served under a prefix still links right.
  const feeds = feedLinks(doc.feeds).map(
    (f) => `<li>${esc(f.label)}: <a href="${esc(f.url.startsWith('/') ? `../..${f.url}` : f.url)}">${esc(f.url)}</a></li>`,
  );
  const feedList = feeds.length ? `\n<p>Feeds for the updater your app already ships:</p><ul class="urls">${feeds.join('')}</ul>` : '';
  return `<section aria-labelledby="install-h"><h2 id="install-h">Install</h2>${items.join('\n')}${feedList}</section>`;
}

function releasesSection(doc: AppDoc, root: string): string {
  const items = doc.releases.map((r) => releaseItem(doc, r, root));
  return `<section aria-labelledby="releases-h"><h2 id="releases-h">Releases</h2>${items.join('\n')}</section>`;
}

function releaseItem(doc: AppDoc, r: DocRelease, root: string): string {
  const badges: string[] = [];
  if (r.live.length) badges.push(`<span class="badge live">Live on ${r.live.map(esc).join(', ')}</span>`);
  if (r.yanked) badges.push(`<span class="badge yanked">Yanked${r.yankReason ? `: ${esc(r.yankReason)}` : ''}</span>`);
  if (r.nightly) badges.push('<span class="badge">Nightly</span>');
  for (const [c, pct] of Object.entries(r.rollout))
    if (pct < 100) badges.push(`<span class="badge rollout">${esc(c)}: ${pct}% rollout</span>`);
  for (const o of r.platformRollout ?? [])
    badges.push(
      `<span class="badge rollout">${esc(o.channel)}, ${esc([osLabel(o.os), o.architecture, o.format, o.osversion && `osversion ${o.osversion}`, o.appversion && `appversion ${o.appversion}`].filter(Boolean).join(' '))}: ${o.percent}% rollout</span>`,
    );
  const files = r.files.map((f) => {
    const href = f.url.startsWith('/') ? `${root}${f.url.slice(1)}` : f.url;
    return `<tr><td>${esc(osLabel(f.os))}</td><td>${f.architectures.map(esc).join(', ')}</td><td>${esc(f.format)}</td><td>${formatSize(f.size)}</td><td><code class="hash">${esc(f.sha256)}</code></td><td><a href="${esc(href)}">Download<span class="sr"> ${esc(doc.name)} ${esc(r.version)} for ${esc(osLabel(f.os))} ${esc(f.format)}</span></a></td></tr>`;
  });
  const docker = r.docker
    ? `<p>Docker image: <code>${esc(r.docker.ref)}</code>${r.docker.digest ? ` (<code class="hash">${esc(r.docker.digest)}</code>)` : ''}</p>`
    : '';
  return `<article class="release${r.yanked ? ' is-yanked' : ''}" id="v${esc(r.version)}" aria-labelledby="h-v${esc(r.version)}">
<h3 id="h-v${esc(r.version)}">${r.release !== null ? `Release ${r.release} · ` : ''}${esc(r.version)}</h3>
<p class="release-meta">${dateTag(r.date ?? r.createdAt)} · channels: ${r.channels.map(esc).join(', ') || 'none'} ${badges.join(' ')}</p>
${r.changelog ? `<div class="prose">${renderMarkdown(r.changelog, { topHeading: 4 })}</div>` : ''}
${docker}
${files.length ? `<div class="scroll"><table class="files"><caption class="sr">Files of ${esc(r.version)}</caption><thead><tr><th scope="col">Platform</th><th scope="col">Architectures</th><th scope="col">Format</th><th scope="col">Size</th><th scope="col">SHA-256</th><th scope="col">File</th></tr></thead><tbody>${files.join('')}</tbody></table></div>` : ''}
</article>`;
}

const LOG_TEXT: Record<string, (e: Record<string, unknown>) => string> = {
  released: (e) => `Released ${esc(e.version)}`,
  rollout: (e) => `Rollout of ${esc(e.version)}: ${rolloutChange(e.from, e.to)}`,
  yanked: (e) => `Yanked ${esc(e.version)}${e.reason ? `: ${esc(e.reason)}` : ''}`,
  unyanked: (e) => `Restored ${esc(e.version)} (unyanked)`,
  pinned: (e) => `Pinned ${esc(e.channel)} to ${esc(e.version)}`,
  unpinned: (e) => `Unpinned ${esc(e.channel)}`,
  locked: () => 'Locked versioning',
  unlocked: () => 'Unlocked versioning',
};

function rolloutChange(from: unknown, to: unknown): string {
  const a = (from ?? {}) as Record<string, number>;
  const b = (to ?? {}) as Record<string, number>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .sort()
    .filter((c) => a[c] !== b[c])
    .map((c) => `${esc(c)} ${a[c] ?? 100}% → ${b[c] ?? 100}%`)
    .join(', ');
}

function logSection(doc: AppDoc, store: FrontStore): string {
  if (!doc.releaseLog.length) return '';
  const repo = store.repository?.replace(/\/$/, '');
  const items = [...doc.releaseLog].reverse().map((e) => {
    const text = (LOG_TEXT[e.kind] ?? ((x) => esc(x.kind)))(e);
    const pr =
      e.pr !== undefined ? (repo ? ` <a href="${esc(`${repo}/pull/${e.pr}`)}" rel="noopener nofollow">#${e.pr}</a>` : ` #${e.pr}`) : '';
    const by = e.author ? ` <span class="muted">by ${esc(e.author)}</span>` : '';
    return `<li>${dateTag(e.date)} <span>${text}${pr}${by}</span></li>`;
  });
  return `<section aria-labelledby="log-h"><h2 id="log-h">Release log</h2><ol class="timeline">${items.join('')}</ol></section>`;
}
