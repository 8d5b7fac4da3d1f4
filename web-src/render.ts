import type { AppSummary, AppVersions, BuildType, InstallLink, Team, VersionDetail, VersionSummary } from './api.js';
import { BUILD_TYPES } from './api.js';
import { h } from './dom.js';
import { formatDate, formatDownloads, formatSize, formatTime } from './format.js';
import { qrSvg } from './qr.js';

const BUILD_TYPE_LABELS: Record<BuildType, string> = { release: 'Release', debug: 'Debug', profile: 'Profile' };

/** What the page does when a tester asks for a build; the caller fetches the link. */
export interface Actions {
  install(version: VersionSummary, app: AppSummary, button: HTMLButtonElement): void;
}

/** The teams and their apps, or the sentence that says why there are none. */
export function renderTeams(teams: readonly Team[], actions: Actions): Node[] {
  if (teams.length === 0) {
    return [h('p', { class: 'empty' }, 'You are in no team yet, so there are no builds to show. Ask whoever runs UpdateForge for your team to add you.')];
  }
  return teams.map((team) =>
    h(
      'section',
      { class: 'team', 'aria-labelledby': `team-${team.id}` },
      h('h2', { id: `team-${team.id}` }, team.name),
      team.apps.length === 0
        ? h('p', { class: 'empty' }, 'This team has no apps yet.')
        : h('ul', { class: 'apps' }, ...team.apps.map((app) => h('li', {}, renderApp(app, actions)))),
    ),
  );
}

function renderApp(app: AppSummary, actions: Actions): HTMLElement {
  const types = BUILD_TYPES.filter((type) => app[type].current || app[type].pending);
  return h(
    'article',
    { class: 'app', 'data-app': app.id, 'aria-labelledby': `app-${app.id}` },
    h(
      'header',
      {},
      app.icon ? h('img', { class: 'icon', src: app.icon, alt: '', width: '48', height: '48' }) : h('span', { class: 'icon placeholder', 'aria-hidden': 'true' }),
      h('div', {}, h('h3', { id: `app-${app.id}` }, app.title), h('p', { class: 'package' }, app.packageName)),
    ),
    types.length === 0 ? h('p', { class: 'empty' }, 'No builds yet.') : h('div', { class: 'builds' }, ...types.map((type) => renderBuildType(app, type, actions))),
  );
}

function renderBuildType(app: AppSummary, type: BuildType, actions: Actions): HTMLElement {
  const { current, pending } = app[type];
  return h(
    'section',
    { class: 'build-type', 'data-build-type': type, 'aria-label': `${app.title}, ${BUILD_TYPE_LABELS[type]}` },
    h('h4', {}, BUILD_TYPE_LABELS[type]),
    current ? renderVersion(current, app, actions, 'current') : h('p', { class: 'empty' }, 'No build to install yet.'),
    pending && h('p', { class: 'pending' }, h('span', { class: 'badge' }, 'In progress'), ` ${pending.version}${pending.name ? ` · ${pending.name}` : ''}`),
    h('div', { class: 'earlier', 'data-earlier': '' }),
  );
}

/** One version with its install button; `details` adds its size, downloads and notes once they are known. */
export function renderVersion(version: VersionSummary, app: AppSummary, actions: Actions, role: 'current' | 'earlier', details?: VersionDetail): HTMLElement {
  const install = h('button', { type: 'button', class: role === 'current' ? 'primary' : 'secondary', 'aria-label': `Install ${app.title} ${version.version}` }, 'Install');
  install.addEventListener('click', () => actions.install(version, app, install));
  const facts = [formatDate(version.created), details?.size != null ? formatSize(details.size) : null, details?.downloads != null ? formatDownloads(details.downloads) : null]
    .filter(Boolean)
    .join(' · ');
  return h(
    'div',
    { class: `version ${role}`, 'data-version-id': version.id },
    h('div', { class: 'what' }, h('p', { class: 'number' }, h('strong', {}, version.version), version.name ? ` · ${version.name}` : ''), h('p', { class: 'facts' }, facts)),
    install,
    details?.notes ? h('p', { class: 'notes' }, details.notes) : null,
    h('div', { class: 'install-slot', 'aria-live': 'polite' }),
  );
}

/** Fills in the current versions' size, downloads and notes, and offers the earlier versions of each build type. */
export function renderDetails(article: Element, app: AppSummary, versions: AppVersions, actions: Actions): void {
  for (const type of BUILD_TYPES) {
    const section = article.querySelector(`[data-build-type="${type}"]`);
    const current = app[type].current;
    if (!section || !current) continue;
    const all = versions[type].filter((v) => v.hasFile);
    const currentDetail = all.find((v) => v.id === current.id);
    const shown = section.querySelector('.version.current');
    if (currentDetail && shown) shown.replaceWith(renderVersion(current, app, actions, 'current', currentDetail));
    const earlier = all.filter((v) => v.id !== current.id);
    const slot = section.querySelector('[data-earlier]');
    if (slot && earlier.length > 0) slot.replaceWith(renderEarlier(app, type, earlier, actions));
  }
}

function renderEarlier(app: AppSummary, type: BuildType, earlier: readonly VersionDetail[], actions: Actions): HTMLElement {
  const listId = `earlier-${app.id}-${type}`;
  const toggle = h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', 'aria-controls': listId }, `Earlier versions (${earlier.length})`);
  const list = h('ul', { id: listId, class: 'earlier-list', hidden: true }, ...earlier.map((v) => h('li', {}, renderVersion(v, app, actions, 'earlier', v))));
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    list.hidden = !open;
  });
  return h('div', { class: 'earlier' }, toggle, list);
}

/**
 * How to get this build onto a phone: the download (Android and other files) or Apple's
 * over-the-air install link (iOS, which works over HTTPS only), and a QR code of the same link
 * for a tester on a laptop whose phone is in their hand.
 */
export function renderInstall(link: InstallLink, app: AppSummary, version: VersionSummary, secure: boolean): HTMLElement {
  const ios = link.platform === 'ios' && link.manifestUrl !== undefined;
  const target = ios ? `itms-services://?action=download-manifest&url=${encodeURIComponent(link.manifestUrl ?? '')}` : link.url;
  const action = ios
    ? h('a', { class: 'button primary', href: target }, `Install on this iPhone or iPad`)
    : h('a', { class: 'button primary', href: target, download: link.fileName }, `Download ${link.fileName} (${formatSize(link.size)})`);
  const hint =
    link.platform === 'android'
      ? 'On Android, open the downloaded file to install it; your phone may ask you to allow installs from this browser.'
      : ios
        ? 'The device must be registered for this build (ad hoc or enterprise signing).'
        : null;
  return h(
    'div',
    { class: 'install', role: 'group', 'aria-label': `Install ${app.title} ${version.version}` },
    action,
    hint && h('p', { class: 'hint' }, hint),
    ios && !secure
      ? h('p', { class: 'warning', role: 'note' }, 'Installing on iOS needs this page to be served over HTTPS; it is served over plain HTTP, so the install will not start.')
      : null,
    h(
      'figure',
      { class: 'qr-figure' },
      qrSvg(target, `QR code of the install link for ${app.title} ${version.version}`),
      h('figcaption', {}, 'Or scan this with the phone’s camera.'),
    ),
    h('p', { class: 'expiry' }, `This link works until ${formatTime(link.expiresAt)}.`),
  );
}

/**
 * Brings the linked version into view: opens the earlier versions it is among, marks it, and puts
 * the focus on its Install button. False when the tester's apps do not list it.
 */
export function revealVersion(root: Element, versionId: string): boolean {
  const row = root.querySelector<HTMLElement>(`.version[data-version-id="${CSS.escape(versionId)}"]`);
  if (!row) return false;
  const list = row.closest<HTMLElement>('.earlier-list');
  if (list?.hidden) document.querySelector<HTMLButtonElement>(`[aria-controls="${CSS.escape(list.id)}"]`)?.click();
  row.classList.add('linked');
  row.setAttribute('aria-current', 'true');
  row.scrollIntoView({ block: 'center' });
  row.querySelector<HTMLButtonElement>('button')?.focus();
  return true;
}
