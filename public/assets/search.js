// Search page: loads the prebuilt MiniSearch index once, then answers as the person types.
// The form also works without this script (the query stays in the URL); the URL always says
// what is shown, so results can be shared.
import MiniSearch from './minisearch.js';

const form = document.getElementById('search');
const status = document.getElementById('status');
const results = document.getElementById('results');
const labels = { windows: 'Windows', osx: 'macOS', linux: 'Linux', android: 'Android', ios: 'iOS', freebsd: 'FreeBSD', nextcloud: 'Nextcloud', docker: 'Docker', any: 'Any OS' };

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

let loaded;
function load() {
  loaded ??= fetch('search-index.json').then((r) => {
    if (!r.ok) throw new Error(`search-index.json: HTTP ${r.status}`);
    return r.text();
  }).then((text) => {
    const data = JSON.parse(text);
    const search = MiniSearch.loadJS(data.index, { ...data.options, fields: [...data.options.fields] });
    return { search, docs: new Map(data.docs.map((d) => [d.id, d])), all: data.docs };
  });
  return loaded;
}

function readForm() {
  const data = new FormData(form);
  return { q: String(data.get('q') ?? '').trim(), category: String(data.get('category') ?? ''), platform: String(data.get('platform') ?? '') };
}

function fillForm(params) {
  for (const name of ['q', 'category', 'platform']) {
    const el = form.elements.namedItem(name);
    if (el && params.has(name)) el.value = params.get(name);
  }
}

function card(d) {
  const icon = d.icon ? `<img src="${esc(d.icon)}" alt="" width="48" height="48" loading="lazy">` : `<span class="icon letter" aria-hidden="true">${esc(d.name.slice(0, 1).toUpperCase())}</span>`;
  return `<li class="card"><a href="apps/${esc(d.id)}/">${icon}<span class="name">${esc(d.name)}</span></a><p>${esc(d.summary)}</p><p class="muted">${d.latest ? `${esc(d.latest)} · ` : ''}${d.platforms.map((p) => esc(labels[p] ?? p)).join(', ')}</p></li>`;
}

async function run(push) {
  const { q, category, platform } = readForm();
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (category) params.set('category', category);
  if (platform) params.set('platform', platform);
  const url = `${location.pathname}${params.size ? `?${params}` : ''}`;
  if (push) history.replaceState(null, '', url);
  let index;
  try {
    index = await load();
  } catch (e) {
    status.textContent = `The search index could not be loaded (${e.message}).`;
    return;
  }
  const keep = (d) => (!category || d.categories.includes(category)) && (!platform || d.platforms.includes(platform));
  const found = q
    ? index.search.search(q, { prefix: true, fuzzy: 0.2, boost: { name: 3, id: 2, summary: 1.5 } }).map((r) => index.docs.get(r.id)).filter((d) => d && keep(d))
    : index.all.filter(keep);
  results.innerHTML = found.slice(0, 200).map(card).join('');
  status.textContent = `${found.length} app${found.length === 1 ? '' : 's'}${q ? ` for “${q}”` : ''}${found.length > 200 ? ' (first 200 shown)' : ''}.`;
}

fillForm(new URLSearchParams(location.search));
let timer;
form.addEventListener('input', () => {
  clearTimeout(timer);
  timer = setTimeout(() => run(true), 80);
});
form.addEventListener('submit', (e) => {
  e.preventDefault();
  run(true);
});
run(false);
