// The web catalog: reads the static API the build emits; no server logic needed.
const $ = (sel) => document.querySelector(sel);

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

async function getJson(path) {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

function liveBadges(live) {
  return Object.entries(live ?? {})
    .filter(([, v]) => v)
    .map(([channel, version]) => `<span class="badge">${esc(channel)} ${esc(version)}</span>`)
    .join(' ');
}

function renderList(index) {
  $('#store-name').textContent = index.store.name;
  $('#store-description').textContent = index.store.description ?? '';
  document.title = index.store.name;
  $('#apps').innerHTML = `<ul class="cards">${index.apps.map((a) => `
    <li class="card">
      <a href="#${esc(a.id)}"><h2>${esc(a.name)}</h2></a>
      <p>${esc(a.summary)}</p>
      <p>${liveBadges(a.live)} ${a.locked ? '<span class="badge locked">versioning locked</span>' : ''}</p>
    </li>`).join('')}</ul>`;
}

function renderRelease(r) {
  const files = (r.files ?? []).map((f) => `<li><a href="${esc(f.url)}">${esc(f.os)} ${esc(f.architectures.join(', '))} · ${esc(f.format)}</a> <small>${f.size} bytes · sha256 ${esc(f.sha256.slice(0, 12))}…</small></li>`).join('');
  const rollout = Object.entries(r.rollout ?? {}).map(([c, p]) => `${esc(c)} ${p}%`).join(', ');
  return `<article class="release${r.yanked ? ' yanked' : ''}">
    <h3>${esc(r.version)} ${r.releaseNumber ? `<small>release ${r.releaseNumber}</small>` : ''}</h3>
    <p><small>${esc(r.date ?? '')} · ${esc(rollout)}${r.yanked ? ` · yanked: ${esc(r.yankReason)}` : ''}${r.docker ? ` · docker ${esc(r.docker.ref)}` : ''}</small></p>
    <pre>${esc(r.changelog)}</pre>
    ${files ? `<ul>${files}</ul>` : ''}
  </article>`;
}

async function showApp(id) {
  const app = await getJson(`api/v1/apps/${encodeURIComponent(id)}.json`);
  $('#app').innerHTML = `<a href="#">← all apps</a>
    <h2>${esc(app.name)}</h2>
    <p>${esc(app.summary)}</p>
    <p>${liveBadges(app.live)}</p>
    ${app.releases.map(renderRelease).join('')}`;
  $('#app').hidden = false;
  $('#apps').hidden = true;
}

async function route() {
  const id = decodeURIComponent(location.hash.slice(1));
  try {
    if (id) return await showApp(id);
    $('#app').hidden = true;
    $('#apps').hidden = false;
  } catch (e) {
    $('#app').hidden = false;
    $('#app').textContent = `Could not load ${id}: ${e.message}`;
  }
}

getJson('api/v1/apps.json')
  .then((index) => {
    renderList(index);
    return route();
  })
  .catch((e) => ($('#apps').textContent = `Could not load the catalog: ${e.message}`));
addEventListener('hashchange', route);
