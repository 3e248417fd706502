// The shell: who is logged in (remembered on the device without any token), header, and the role's screen.
import { useEffect, useState } from 'preact/hooks';
import { T } from './texts.js';
import V from './vocab.json';
import { login, me, logout, ApiError, NetworkError } from './api.js';
import { getMeta, setMeta, wipeDevice, all, lockDevice, unlockDevice, deviceHasData, changed } from './db.js';
import { replay, onOutboxEvent } from './outbox.js';
import { dropPushSubscription } from './push.js';
import { Field, Message, useDevice, useOnline } from './ui.jsx';

// Each role's screens are their own chunk: the login page loads none of them (all are precached for offline).
const SCREENS = {
  nurse: () => import('./nurse.jsx').then((m) => m.NurseApp),
  hap: () => import('./hap.jsx').then((m) => m.HapApp),
  board: () => import('./board.jsx').then((m) => m.Board),
  roster: () => import('./roster.jsx').then((m) => m.RosterWeek),
  rosterMe: () => import('./rosterme.jsx').then((m) => m.RosterMe),
  bedManager: () => import('./region.jsx').then((m) => m.BedManagerApp),
  region: () => import('./region.jsx').then((m) => m.RegionalBoard),
  physician: () => import('./physician.jsx').then((m) => m.PhysicianApp),
};

// The screens this device showed last (names only, no client data) start loading with the app, beside reading
// the device, so a reload without signal shows the stored work without waiting for its chunk.
const WARM = 'wijkspoed.screens';
try {
  for (const n of JSON.parse(localStorage.getItem(WARM) || '[]')) SCREENS[n]?.();
} catch { /* nothing remembered */ }
function remember(name) {
  const names = new Set(JSON.parse(localStorage.getItem(WARM) || '[]')).add(name);
  localStorage.setItem(WARM, JSON.stringify([...names]));
}

/** Render a role's screen once its chunk has loaded. */
function Screen({ name, ...props }) {
  const [Component, setComponent] = useState(null);
  useEffect(() => {
    let alive = true;
    remember(name);
    SCREENS[name]().then((c) => alive && setComponent(() => c));
    return () => {
      alive = false;
    };
  }, [name]);
  return Component ? <Component {...props} /> : <p>{T.loading}</p>;
}

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
}

export function App() {
  const [user, setUser] = useState(undefined); // undefined: still starting
  const [notice, setNotice] = useState('');
  const [theme, setTheme] = useState(localStorage.getItem('theme') || (matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark'));

  useEffect(() => applyTheme(theme), [theme]);

  useEffect(() => {
    // The service worker sent (part of) the outbox in a `sync` event: show the new state.
    const onMessage = (e) => e.data?.type === 'outbox' && changed();
    navigator.serviceWorker?.addEventListener('message', onMessage);
    return () => navigator.serviceWorker?.removeEventListener('message', onMessage);
  }, []);

  useEffect(() => {
    (async () => {
      // Open (and so create) the device database only for a logged-in user.
      const stored = (await deviceHasData()) ? await getMeta('user').catch(() => null) : null;
      if (!stored) {
        lockDevice();
        setUser(null); // nobody on this device: the login form, without asking the server (no 401 to log)
        return;
      }
      // Cache first: the stored work shows at once; the server confirms the session when it answers.
      setUser(stored);
      try {
        const fresh = await me();
        if (stored.id !== fresh.id) await wipeDevice();
        unlockDevice();
        await setMeta('user', fresh);
        setUser(fresh);
        replay();
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) {
          setNotice(T.errors.sessionExpired);
          setUser(null);
        } // no answer (offline, hanging): keep working on the device
      }
    })();
    return onOutboxEvent((e) => {
      if (e.type === 'unauthorized') {
        setNotice(T.errors.sessionExpired);
        setUser(null);
      }
    });
  }, []);

  async function loggedIn(u) {
    unlockDevice();
    const stored = await getMeta('user').catch(() => null);
    if (stored && stored.id !== u.id) await wipeDevice();
    unlockDevice();
    await setMeta('user', u);
    setNotice('');
    setUser(u);
    replay();
  }

  async function doLogout() {
    const queued = (await all('outbox').catch(() => [])).length;
    if (queued && !confirm(T.logoutPending(queued))) return;
    await dropPushSubscription();
    await logout().catch(() => {});
    await wipeDevice();
    localStorage.removeItem(WARM);
    setUser(null);
    setNotice('');
  }

  function toggleTheme() {
    const next = theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem('theme', next);
    setTheme(next);
  }

  // Its own element (key): the shell's <main> below is drawn fresh under the header, not this one moved down (a layout
  // shift Lighthouse counts).
  if (user === undefined) return <main id="main" class="center" key="starting"><p>{T.loading}</p></main>;
  if (!user) return <Login onDone={loggedIn} notice={notice} />;
  return (
    <>
      <a class="skip" href="#main">{T.skipToContent}</a>
      <Header user={user} theme={theme} onTheme={toggleTheme} onLogout={doLogout} />
      <main id="main" tabIndex={-1} key="app">
        <RoleScreens user={user} onUser={async (u) => { await setMeta('user', u); setUser(u); }} />
      </main>
    </>
  );
}

/** The outcomes screen, fetched as its own chunk (with its chart library) only when asked for. */
function DashboardLoader({ user }) {
  const [Screen, setScreen] = useState(null);
  const [failed, setFailed] = useState(false);
  const open = () => import('./dashboard.jsx').then((m) => setScreen(() => m.Dashboard), () => setFailed(true));
  if (Screen) return <Screen user={user} />;
  return (
    <section class="card">
      <button class="secondary" onClick={open} data-testid="open-dashboard">{T.dashboard.open}</button>
      {failed && <Message kind="error">{T.errors.network}</Message>}
    </section>
  );
}

/** Which screens a role gets; a team lead switches between the board and the roster (one at a time). */
function RoleScreens({ user, onUser }) {
  const [view, setView] = useState('roster'); // planning is the team lead's own work; the board is one tap away
  // Her roster below her work, drawn by her screen once its own content is there (not pushed down by it).
  if (user.role === 'nurse') return <Screen name="nurse" user={user} onUser={onUser} after={<Screen name="rosterMe" user={user} />} />;
  if (user.role === 'hap') return <Screen name="hap" user={user} />;
  if (user.role === 'physician') return <Screen name="physician" user={user} />;
  if (user.role === 'bed_manager') return <Screen name="bedManager" user={user} />;
  if (user.role === 'regional_coordinator') return <><Screen name="region" user={user} /><DashboardLoader user={user} /></>;
  if (user.role !== 'team_lead') return <Screen name="board" user={user} />;
  return (
    <>
      <nav class="views" aria-label={T.views.label}>
        {['board', 'roster'].map((v) => (
          <button class={view === v ? 'on' : ''} aria-current={view === v ? 'page' : undefined} onClick={() => setView(v)}>{T.views[v]}</button>
        ))}
      </nav>
      <Screen name={view} user={user} />
      <DashboardLoader user={user} />
    </>
  );
}

function Header({ user, theme, onTheme, onLogout }) {
  const online = useOnline();
  const queued = useDevice(() => all('outbox'), []);
  const n = queued ? queued.length : 0;
  // One slim row: who (wide screens only), connection, outbox, theme, logout.
  return (
    <header class="top">
      <div class="brand">
        <strong>{T.appName}</strong>
        <span class="who">{user.name || user.username} · {V.roles[user.role] || user.role}</span>
      </div>
      <span class={`net ${online ? 'up' : 'down'}`} role="status" aria-live="polite" data-testid="net" title={online ? T.online : T.offline}>
        {online ? <span class="net-word">{T.online}</span> : T.offlineShort}
      </span>
      {(user.role === 'nurse' || n > 0) && (
        <button class={`outbox ${n ? 'has' : ''}`} onClick={() => replay()} data-testid="outbox-count" aria-live="polite"
          title={T.outbox.sendNow}>
          {n ? T.outbox.pending(n) : T.outbox.allSent}
        </button>
      )}
      <button class="ghost icon" onClick={onTheme} aria-label={theme === 'dark' ? T.theme.light : T.theme.dark}
        title={theme === 'dark' ? T.theme.light : T.theme.dark}>{theme === 'dark' ? '☀' : '☾'}</button>
      <button class="ghost" onClick={onLogout}>{T.logout}</button>
    </header>
  );
}

function Login({ onDone, notice }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onDone(await login(username.trim(), password));
    } catch (err) {
      setError(err instanceof NetworkError ? T.login.offline : err.status === 429 ? T.login.tooMany : T.login.wrong);
    } finally {
      setBusy(false);
    }
  }
  return (
    <main id="main" class="login">
      <h1>{T.appName}</h1>
      <p class="sub">{T.tagline}</p>
      <form onSubmit={submit} class="card">
        <h2>{T.login.title}</h2>
        {notice && <Message kind="warn">{notice}</Message>}
        <Field label={T.login.username} value={username} onInput={setUsername} autocomplete="username" autocapitalize="none" required />
        <Field label={T.login.password} type="password" value={password} onInput={setPassword} autocomplete="current-password" required />
        {error && <Message kind="error">{error}</Message>}
        <button class="primary big" type="submit" disabled={busy}>{T.login.submit}</button>
      </form>
    </main>
  );
}
