// The tester page: log in, see your apps, install a build. Wiring only: the API calls are in
// api.ts, the markup in render.ts.
import { ApiError, installLink, listTeams, listVersions, loadSession, logIn, saveSession, SessionEnded, type Session } from './api.js';
import { replaceChildren } from './dom.js';
import { linkedVersionId } from './link.js';
import { renderDetails, renderInstall, renderTeams, revealVersion, type Actions } from './render.js';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

const loginView = element<HTMLElement>('login-view');
const loginForm = element<HTMLFormElement>('login-form');
const loginMessage = element<HTMLElement>('login-message');
const appsView = element<HTMLElement>('apps-view');
const apps = element<HTMLElement>('apps');
const appsMessage = element<HTMLElement>('apps-message');
const account = element<HTMLElement>('account');
const who = element<HTMLElement>('who');

let session = loadSession(localStorage);

function showLogin(message: string): void {
  session = null;
  saveSession(localStorage, null);
  account.hidden = true;
  appsView.hidden = true;
  replaceChildren(apps);
  loginView.hidden = false;
  loginMessage.textContent = message;
  element<HTMLInputElement>('email').focus();
}

/** Any failure of a call: a 401 ends the session, anything else is said where it happened. */
function fail(error: unknown, where: HTMLElement): void {
  if (error instanceof SessionEnded) showLogin(error.message);
  else where.textContent = error instanceof ApiError ? error.message : 'Something went wrong. Reload the page and try again.';
}

const actions: Actions = {
  install(version, app, button) {
    const row = button.closest('.version');
    const slot = row?.querySelector<HTMLElement>('.install-slot');
    if (!session || !slot) return;
    button.disabled = true;
    slot.textContent = 'Preparing the link…';
    installLink(session, version.id)
      .then((link) => {
        // One install panel open at a time: an older link may have expired meanwhile.
        for (const other of document.querySelectorAll('.install-slot')) if (other !== slot) other.replaceChildren();
        replaceChildren(slot, renderInstall(link, app, version, location.protocol === 'https:'));
        slot.querySelector<HTMLElement>('a.button')?.focus();
      })
      .catch((error: unknown) => fail(error, slot))
      .finally(() => (button.disabled = false));
  },
};

async function showApps(current: Session): Promise<void> {
  loginView.hidden = true;
  account.hidden = false;
  who.textContent = current.email;
  appsView.hidden = false;
  appsMessage.textContent = 'Loading your apps…';
  const teams = await listTeams(current);
  appsMessage.textContent = '';
  replaceChildren(apps, ...renderTeams(teams, actions));
  element<HTMLElement>('apps-heading').focus();
  // Sizes, notes and earlier versions come one app at a time, after the list is on screen.
  const details = teams
    .flatMap((team) => team.apps)
    .map((app) => {
      const article = apps.querySelector(`[data-app="${CSS.escape(app.id)}"]`);
      return listVersions(current, app.id)
        .then((versions) => article && renderDetails(article, app, versions, actions))
        .catch((error: unknown) => fail(error, appsMessage));
    });
  // A link to one version (the action's install-url): shown once every app's versions are there.
  const linked = linkedVersionId(location.hash);
  if (linked === null) return;
  await Promise.all(details);
  if (!revealVersion(apps, linked)) appsMessage.textContent = 'The version this link points to is not among your apps: it may have been removed, or be for another team.';
}

loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(loginForm);
  const email = String(data.get('email') ?? '').trim();
  const password = String(data.get('password') ?? '');
  loginMessage.textContent = '';
  const submit = loginForm.querySelector('button');
  if (submit) submit.disabled = true;
  logIn(email, password)
    .then((started) => {
      session = started;
      saveSession(localStorage, started);
      loginForm.reset();
      return showApps(started);
    })
    .catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 401) loginMessage.textContent = 'Wrong email or password.';
      else if (error instanceof ApiError && error.status === 429) loginMessage.textContent = `Too many attempts. Try again in ${error.retryAfterSeconds ?? 60} seconds.`;
      else fail(error, loginMessage);
    })
    .finally(() => {
      if (submit) submit.disabled = false;
    });
});

element<HTMLButtonElement>('logout').addEventListener('click', () => showLogin('You are logged out.'));

if (session) showApps(session).catch((error: unknown) => fail(error, appsMessage));
else showLogin('');
