// The coordinator's dispatch board: open and running calls by urgency, recommendations, offer in one click.
import { useEffect, useRef, useState } from 'preact/hooks';
import { T } from './texts.js';
import V from './vocab.json';
import { api } from './api.js';
import { Message, UrgencyBadge, errorText } from './ui.jsx';
import { formatTime, minutesUntil } from './geo.js';

const POLL_MS = 4000;
const RUNNING = ['open', 'offered', 'accepted', 'en_route', 'on_site'];

/** Calls kept fresh by polling with `updated_since` (the newest `updated_at` seen). */
export function usePolledCalls() {
  const [byId, setById] = useState({});
  const since = useRef(null);
  const timer = useRef(null);
  async function refresh() {
    try {
      const q = since.current ? `?updated_since=${encodeURIComponent(since.current)}` : '';
      const calls = await api.get(`/api/calls${q}`);
      if (calls.length) {
        setById((old) => {
          const next = { ...old };
          for (const c of calls) next[c.id] = c;
          return next;
        });
        const newest = calls.map((c) => c.updated_at).filter(Boolean).sort().at(-1);
        if (newest) since.current = newest;
      }
    } catch {}
  }
  useEffect(() => {
    const loop = async () => {
      await refresh();
      timer.current = setTimeout(loop, POLL_MS);
    };
    loop();
    return () => clearTimeout(timer.current);
  }, []);
  const calls = Object.values(byId).sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  return { calls, refresh };
}

/** Did the current offer reach the phone? From the call's events: the service worker's report after the offer. */
export function deliveryFromEvents(events) {
  const last = events.map((e) => e.type).lastIndexOf('offered');
  const after = last < 0 ? [] : events.slice(last + 1).map((e) => e.type);
  if (after.includes('offer_shown')) return 'delivered';
  if (after.includes('offer_not_shown')) return 'failed';
  return 'pending';
}

/** Delivery state of every offered call, refreshed with the board. */
function useDeliveries(calls) {
  const [map, setMap] = useState({});
  const key = calls.filter((c) => c.status === 'offered').map((c) => `${c.id}@${c.updated_at}`).join(',');
  useEffect(() => {
    let alive = true;
    const offered = calls.filter((c) => c.status === 'offered');
    const load = async () => {
      const next = {};
      for (const c of offered) {
        try {
          next[c.id] = deliveryFromEvents(await api.get(`/api/calls/${c.id}/events`));
        } catch {
          next[c.id] = 'pending';
        }
      }
      if (alive) setMap(next);
    };
    load();
    const t = setInterval(load, POLL_MS);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [key]);
  return map;
}

/** Escalated: the team lead was alerted, or an unassigned call is past its response target. */
export function escalated(call, now = Date.now()) {
  if (call.lead_alerted_at) return true;
  return ['open', 'offered'].includes(call.status) && call.target_at && new Date(call.target_at).getTime() < now;
}

export function Board() {
  const { calls, refresh } = usePolledCalls();
  const [selected, setSelected] = useState(null);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15000);
    return () => clearInterval(t);
  }, []);
  const running = calls
    .filter((c) => RUNNING.includes(c.status))
    .sort((a, b) => (escalated(b) - escalated(a)) || a.urgency.localeCompare(b.urgency) || String(a.target_at).localeCompare(String(b.target_at)));
  const current = running.find((c) => c.id === selected);
  const deliveries = useDeliveries(running);
  const [names, setNames] = useState({});
  useEffect(() => {
    api.get('/api/users').then((users) => setNames(Object.fromEntries(users.map((u) => [u.id, u.name])))).catch(() => {});
  }, []);
  return (
    <div class="desk">
      <section class="card" aria-labelledby="board-h">
        <h1 id="board-h">{T.board.title}</h1>
        <h2>{T.board.open}</h2>
        {!running.length && <p class="muted">{T.board.none}</p>}
        <table class="board" data-testid="board">
          <thead>
            <tr><th scope="col">{T.nts}</th><th scope="col">{T.hap.category}</th><th scope="col">{T.status}</th><th scope="col">{T.board.timeLeft}</th><th scope="col">{T.board.nurse}</th><th scope="col"><span class="sr-only">{T.board.select}</span></th></tr>
          </thead>
          <tbody>
            {running.map((c) => {
              const m = c.target_at ? minutesUntil(c.target_at, now) : null;
              const d = c.status === 'offered' ? deliveries[c.id] || 'pending' : null;
              return (
                <tr class={`${escalated(c) ? 'escalated' : ''} ${c.id === selected ? 'sel' : ''}`} data-call={c.id}>
                  <td><UrgencyBadge urgency={c.urgency} />{escalated(c) && <span class="badge esc">{T.board.escalated}</span>}</td>
                  <td>{V.categories[c.category] || c.category}</td>
                  <td>
                    {V.staffStatuses[c.status]}
                    {d && <span class={`delivery d-${d}`} data-testid="delivery">{d === 'delivered' ? T.board.delivered : d === 'failed' ? T.board.notDelivered : T.board.deliveryPending}</span>}
                  </td>
                  <td class={m !== null && m < 0 ? 'late' : ''}>{m === null ? '' : m < 0 ? T.board.overdue(-m) : T.board.left(m)}</td>
                  <td>{c.nurse_id ? names[c.nurse_id] || `#${c.nurse_id}` : ''}</td>
                  <td><button class="secondary" onClick={() => setSelected(c.id)} aria-label={`${T.board.select}: ${V.categories[c.category] || c.category}`}>{T.board.select}</button></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      {current && <CallDetail call={current} onChanged={refresh} />}
    </div>
  );
}

function CallDetail({ call, onChanged }) {
  const [recs, setRecs] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    setRecs(null);
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
    <section class="card" aria-labelledby="detail-h">
      <h2 id="detail-h"><UrgencyBadge urgency={call.urgency} /> {V.categories[call.category] || call.category}</h2>
      <p>{call.complaint}</p>
      <p class="muted">{T.target} {formatTime(call.target_at)} · {V.staffStatuses[call.status]}</p>
      {error && <Message kind="error">{error}</Message>}
      <h3>{T.board.recommendations}</h3>
      {recs === null ? <p>{T.loading}</p> : !recs.length ? <p class="muted">{T.board.noRecommendations}</p> : (
        <ol class="list" data-testid="recommendations">
          {recs.map((r) => (
            <li class="rec">
              <div>
                <strong>{r.name}</strong> · {T.board.eta(r.eta_minutes)} · {T.nurse.distance(r.distance_km)} · {T.board.score} {Number(r.score).toFixed(2)}
                {r.reasons?.length > 0 && <ul class="reasons">{r.reasons.map((x) => <li>{x}</li>)}</ul>}
              </div>
              {['open', 'offered'].includes(call.status) && <button class="primary" onClick={() => offer(r.nurse_id)}>{T.board.offer}</button>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
