// The coordinator's dispatch board: running calls on one line each, a map, the nurses, today's calls; offer in one click.
import { useEffect, useRef, useState } from 'preact/hooks';
import { T } from './texts.js';
import V from './vocab.json';
import { api } from './api.js';
import { Message, UrgencyBadge, errorText } from './ui.jsx';
import { age, decimal, formatTime, minutesUntil } from './geo.js';
import { usePolledCalls } from './calls.js';
import { chime } from './audio.js';
import { EpisodeScreen, PlannedActions, PlannedList, StartEpisode, useActiveEpisode } from './episode.jsx';

const RUNNING = ['open', 'offered', 'accepted', 'en_route', 'on_site'];
const HELD = ['offered', 'accepted', 'en_route', 'on_site'];

export { usePolledCalls };

/** Escalated: the team lead was alerted, or an unassigned call is past its response target. */
export function escalated(call, now = Date.now()) {
  if (call.lead_alerted_at) return true;
  return ['open', 'offered'].includes(call.status) && call.target_at && new Date(call.target_at).getTime() < now;
}

/** A chime, a title badge and (in the background) a notification for each new or newly escalated call. */
function useAlerts(running, now) {
  const seen = useRef(null);
  const [unseen, setUnseen] = useState(0);
  useEffect(() => {
    const keys = new Set(running.filter((c) => c.status === 'open' || escalated(c, now)).map((c) => `${c.id}:${escalated(c, now) ? 'esc' : 'new'}`));
    if (seen.current === null) {
      seen.current = keys; // what was there when the board opened is not news
      return;
    }
    const fresh = [...keys].filter((k) => !seen.current.has(k));
    for (const k of keys) seen.current.add(k);
    if (!fresh.length) return;
    chime();
    if (document.visibilityState !== 'visible' || !document.hasFocus()) setUnseen((n) => n + fresh.length);
    if ('Notification' in window && Notification.permission === 'granted' && document.visibilityState !== 'visible') {
      try {
        new Notification(T.board.alertTitle(fresh.length), { body: T.board.alertBody, tag: 'board' });
      } catch {}
    }
  }, [running.map((c) => `${c.id}${c.status}${escalated(c, now)}`).join(',')]);
  useEffect(() => {
    const base = T.appName;
    document.title = unseen ? `(${unseen}) ${base}` : base;
    const clear = () => document.visibilityState === 'visible' && setUnseen(0);
    addEventListener('focus', clear);
    document.addEventListener('visibilitychange', clear);
    return () => {
      removeEventListener('focus', clear);
      document.removeEventListener('visibilitychange', clear);
    };
  }, [unseen]);
  return unseen;
}

function NotifyButton() {
  const [perm, setPerm] = useState('Notification' in window ? Notification.permission : 'unsupported');
  if (perm !== 'default') return null;
  return <button class="secondary" onClick={async () => setPerm(await Notification.requestPermission())}>{T.board.enableAlerts}</button>;
}

export function Board({ user }) {
  // One request per poll: the calls that changed, each with its events and whether the offer reached the phone.
  const { calls, refresh } = usePolledCalls({ include: 'events' });
  const [selected, setSelected] = useState(null);
  const [episodeId, setEpisodeId] = useState(null);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15000);
    return () => clearInterval(t);
  }, []);
  const running = calls
    .filter((c) => RUNNING.includes(c.status))
    .sort((a, b) => (escalated(b) - escalated(a)) || a.urgency.localeCompare(b.urgency) || String(a.target_at).localeCompare(String(b.target_at)));
  // A finished call keeps its open detail panel: it is found among all calls, not only the running ones.
  const current = calls.find((c) => c.id === selected);
  const nurses = useNurses();
  const names = Object.fromEntries((nurses || []).map((u) => [u.id, u.name]));
  const unseen = useAlerts(running, now);
  if (episodeId) return <EpisodeScreen id={episodeId} user={user} onBack={() => setEpisodeId(null)} />;
  return (
    <div class="board-desk">
      <section class="card board-main" aria-labelledby="board-h">
        <div class="row spread">
          <h1 id="board-h">{T.board.title}{unseen > 0 && <span class="badge esc" data-testid="unseen">{unseen}</span>}</h1>
          <NotifyButton />
        </div>
        <h2>{T.board.open}</h2>
        {!running.length && <p class="muted">{T.board.none}</p>}
        <table class="board" data-testid="board">
          <thead>
            <tr><th scope="col" class="c-nts">{T.nts}</th><th scope="col">{T.board.call}</th><th scope="col" class="c-status">{T.board.statusNurse}</th><th scope="col" class="c-time">{T.board.timeLeft}</th><th scope="col" class="c-sel"><span class="sr-only">{T.board.select}</span></th></tr>
          </thead>
          <tbody>
            {running.map((c) => {
              const m = c.target_at ? minutesUntil(c.target_at, now) : null;
              const d = c.status === 'offered' ? c.delivery || 'pending' : null;
              return (
                <tr class={`${escalated(c) ? 'escalated' : ''} ${c.id === selected ? 'sel' : ''}`} data-call={c.id}>
                  <td><UrgencyBadge urgency={c.urgency} />{escalated(c) && <span class="badge esc">{T.board.escalated}</span>}</td>
                  <td class="what">
                    <strong>{V.categories[c.category] || c.category}</strong>
                    <span class="one-line" data-testid="call-line">
                      {c.client ? `${c.client.name} · ${c.client.city}` : ''} · {T.board.ago(age(c.created_at, now))}
                      {c.client && c.client.lat == null && <span class="badge warn-badge">{T.hap.addressNotFound}</span>}
                    </span>
                  </td>
                  <td>
                    {V.staffStatuses[c.status]}
                    {c.nurse_id && <span class="nurse-name">{names[c.nurse_id] || `#${c.nurse_id}`}</span>}
                    {d && <span class={`delivery d-${d}`} data-testid="delivery">{d === 'delivered' ? T.board.delivered : d === 'failed' ? T.board.notDelivered : T.board.deliveryPending}</span>}
                  </td>
                  <td class={m !== null && m < 0 ? 'late' : ''}><span class="nowrap" data-testid="time-left">{m === null ? '' : m < 0 ? T.board.overdue(-m) : T.board.left(m)}</span></td>
                  <td><button class="secondary" onClick={() => setSelected(c.id)} aria-label={`${T.board.select}: ${V.categories[c.category] || c.category}${c.client ? `, ${c.client.name}` : ''}`}>{T.board.select}</button></td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <Today calls={calls} now={now} onSelect={setSelected} selected={selected} />
        <PlannedList calls={calls} now={now} onSelect={setSelected} selected={selected} />
      </section>
      <div class="board-side">
        {current && <CallDetail call={current} onChanged={refresh} onClose={() => setSelected(null)} nurses={nurses} onEpisode={setEpisodeId} />}
        <NursesPanel nurses={nurses} calls={calls} />
        <MapPanel calls={running} nurses={nurses} allCalls={calls} onSelect={setSelected} />
      </div>
    </div>
  );
}

/** The team's nurses, refreshed with the board. */
function useNurses() {
  const [nurses, setNurses] = useState(null);
  useEffect(() => {
    let alive = true;
    const load = () => api.get('/api/users?role=nurse').then((u) => alive && setNurses(u.filter((x) => x.active !== false))).catch(() => alive && setNurses((n) => n || []));
    load();
    const t = setInterval(load, 15000);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, []);
  return nurses;
}

/** Where a nurse was last: the client of her latest visit today, else her base. */
function lastPlace(nurse, calls) {
  const visits = calls.filter((c) => c.nurse_id === nurse.id && c.on_site_at && c.client).sort((a, b) => String(b.on_site_at).localeCompare(String(a.on_site_at)));
  if (visits.length) return { text: visits[0].client.city, lat: visits[0].client.lat, lon: visits[0].client.lon, at: visits[0].on_site_at };
  if (nurse.base_lat != null) return { text: T.board.base, lat: nurse.base_lat, lon: nurse.base_lon };
  return null;
}

function NursesPanel({ nurses, calls }) {
  return (
    <section class="card" aria-labelledby="nurses-h" data-testid="nurses">
      <h2 id="nurses-h">{T.board.nurses}</h2>
      {nurses === null ? <p>{T.loading}</p> : !nurses.length ? <p class="muted">{T.board.noNurses}</p> : (
        <ul class="list nurses">
          {nurses.map((n) => {
            const call = calls.find((c) => c.nurse_id === n.id && HELD.includes(c.status));
            const place = lastPlace(n, calls);
            return (
              <li data-nurse={n.id}>
                <span class={`dot av-${n.availability || 'off_duty'}`} aria-hidden="true" />
                <strong>{n.name}</strong> · <span>{T.board.availability[n.availability] || T.board.availability.off_duty}</span>
                {call && <> · {V.staffStatuses[call.status]}: {V.categories[call.category]}{call.client ? `, ${call.client.city}` : ''}</>}
                {place && <span class="muted"> · {T.board.lastPlace}: {place.text}{place.at ? ` (${formatTime(place.at)})` : ''}</span>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** The map: Leaflet and its OpenStreetMap tiles load only here; without tiles or coordinates the lists still hold. */
function MapPanel({ calls, nurses, allCalls, onSelect }) {
  const box = useRef();
  const [state, setState] = useState('loading');
  const map = useRef(null);
  const layer = useRef(null);
  const L = useRef(null);
  useEffect(() => {
    let alive = true;
    import('./map.js')
      .then((m) => {
        if (!alive || !box.current) return;
        L.current = m;
        map.current = m.makeMap(box.current, () => alive && setState((s) => (s === 'ready' ? 'no-tiles' : s)));
        setState('ready');
      })
      .catch(() => alive && setState('failed'));
    return () => {
      alive = false;
      map.current?.remove();
    };
  }, []);
  const withPlace = calls.filter((c) => c.client && c.client.lat != null);
  useEffect(() => {
    if (!map.current || !L.current) return;
    layer.current = L.current.drawMarkers(map.current, layer.current, {
      calls: withPlace.map((c) => ({ id: c.id, lat: c.client.lat, lon: c.client.lon, urgency: c.urgency, label: `${c.urgency} ${V.categories[c.category] || c.category} — ${c.client.name}, ${c.client.city}` })),
      nurses: (nurses || []).map((n) => ({ n, p: lastPlace(n, allCalls) })).filter((x) => x.p && x.p.lat != null)
        .map(({ n, p }) => ({ id: n.id, lat: p.lat, lon: p.lon, label: `${n.name} (${T.board.availability[n.availability] || ''})` })),
    }, onSelect);
  }, [state, withPlace.map((c) => c.id).join(','), (nurses || []).map((n) => `${n.id}${n.availability}`).join(',')]);
  const missing = calls.length - withPlace.length;
  return (
    <section class="card" aria-labelledby="map-h">
      <h2 id="map-h">{T.board.map}</h2>
      <div class="map" ref={box} data-testid="map" data-state={state} role="region" aria-label={T.board.map} />
      {state === 'no-tiles' && <p class="muted" data-testid="map-note">{T.board.noTiles}</p>}
      {state === 'failed' && <p class="muted" data-testid="map-note">{T.board.noMap}</p>}
      {missing > 0 && <p class="muted">{T.board.notOnMap(missing)}</p>}
    </section>
  );
}

function startOfToday(now) {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Today's calls, finished ones too, with their closing notes; searchable by client, place, category or complaint. */
function Today({ calls, now, onSelect, selected }) {
  const [q, setQ] = useState('');
  const since = startOfToday(now);
  const words = q.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const today = calls
    .filter((c) => new Date(c.created_at).getTime() >= since)
    .filter((c) => {
      const text = [c.client?.name, c.client?.city, c.client?.postcode, V.categories[c.category], c.complaint, c.closing_note, c.urgency].join(' ').toLowerCase();
      return words.every((w) => text.includes(w));
    });
  return (
    <section aria-labelledby="today-h" class="today">
      <h2 id="today-h">{T.board.today}</h2>
      <div class="field">
        <label for="today-q">{T.board.search}</label>
        <input id="today-q" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
      </div>
      {!today.length ? <p class="muted">{T.board.noneToday}</p> : (
        <ul class="list" data-testid="today">
          {today.map((c) => (
            <li class={c.id === selected ? 'sel' : ''}>
              <button class="linkish" onClick={() => onSelect(c.id)}>
                {formatTime(c.created_at)} · {c.urgency} {V.categories[c.category] || c.category}{c.client ? ` · ${c.client.name}, ${c.client.city}` : ''}
              </button>
              {' · '}<span>{V.staffStatuses[c.status]}</span>
              {c.closing_note && <p class="closing"><strong>{T.hap.closingNote}:</strong> {c.closing_note}</p>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The client's running episode, or the form to start one (coordinator, team lead). */
function EpisodeLink({ call, nurses, onEpisode }) {
  const episode = useActiveEpisode(call.client_id);
  if (episode) return <button class="secondary" data-testid="open-episode" onClick={() => onEpisode(episode.id)}>{T.episode.open}</button>;
  return <StartEpisode call={call} nurses={nurses} onStarted={onEpisode} />;
}

function CallDetail({ call, onChanged, onClose, nurses, onEpisode }) {
  const [recs, setRecs] = useState(null);
  const [error, setError] = useState('');
  const open = ['open', 'offered'].includes(call.status);
  useEffect(() => {
    setRecs(null);
    if (!RUNNING.includes(call.status)) return;
    api.get(`/api/calls/${call.id}/recommendations`).then(setRecs).catch((e) => { setRecs([]); setError(errorText(e)); });
  }, [call.id, call.status]);
  async function offer(nurseId) {
    setError('');
    try {
      // Offering a call that is already offered to someone else takes it over explicitly.
      await api.post(`/api/calls/${call.id}/offer`, call.status === 'offered' ? { nurse_id: nurseId, replace: true } : { nurse_id: nurseId });
      onChanged();
    } catch (e) {
      setError(errorText(e));
    }
  }
  return (
    <section class="card" aria-labelledby="detail-h" data-testid="detail">
      <div class="row spread">
        <h2 id="detail-h"><UrgencyBadge urgency={call.urgency} /> {V.categories[call.category] || call.category}</h2>
        <button class="ghost" onClick={onClose}>{T.board.close}</button>
      </div>
      {call.client && <p><strong>{call.client.name}</strong> · {call.client.address}, {call.client.postcode} {call.client.city}</p>}
      {(call.caller_name || call.caller_phone) && <p>{T.nurse.caller}: {call.caller_name} {call.caller_phone}</p>}
      <p>{call.complaint}</p>
      <p class="muted">{T.target} {formatTime(call.target_at)} · {V.staffStatuses[call.status]}</p>
      {call.closing_note && <p class="closing"><strong>{T.hap.closingNote}:</strong> {call.closing_note}</p>}
      {call.status === 'planned' && <PlannedActions call={call} onChanged={onChanged} canCancel />}
      {call.status !== 'cancelled' && <EpisodeLink key={call.id} call={call} nurses={nurses} onEpisode={onEpisode} />}
      {error && <Message kind="error">{error}</Message>}
      {RUNNING.includes(call.status) && <h3>{T.board.recommendations}</h3>}
      {!RUNNING.includes(call.status) ? null : recs === null ? <p>{T.loading}</p> : !recs.length ? <p class="muted">{T.board.noRecommendations}</p> : (
        <ol class="list" data-testid="recommendations">
          {recs.map((r) => (
            <li class="rec">
              <div>
                <strong>{r.name}</strong> · {r.eta_minutes == null ? T.board.noEta : `${T.nurse.distance(r.distance_km)} · ${T.board.eta(r.eta_minutes)}`} · {T.board.score} {decimal(r.score, 0)}
                {r.reasons?.length > 0 && <ul class="reasons">{r.reasons.map((x) => <li>{x}</li>)}</ul>}
              </div>
              {open && <button class="primary" onClick={() => offer(r.nurse_id)}>{T.board.offer}</button>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
