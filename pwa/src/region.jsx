// The region's screens: the regional board (beds × locations, open requests), the bed manager's phone screen,
// the nurse's "Plaats aanvragen" after outcome temporary_stay, and the HAP's strip of free beds tonight.
import { useEffect, useRef, useState } from 'preact/hooks';
import V from './vocab.json';
import { api } from './api.js';
import { Message, Select, TextArea, errorText } from './ui.jsx';
import { formatTime } from './geo.js';

const POLL_MS = 5000;

const R = {
  board: 'Regionaal beddenoverzicht',
  boardSub: 'Vrije tijdelijke bedden per locatie (thuis, tenzij)',
  location: 'Locatie',
  stale: 'verouderd',
  staleHint: 'Langer dan 12 uur niet bijgewerkt',
  updated: 'bijgewerkt',
  requests: 'Open aanvragen',
  noRequests: 'Geen open aanvragen.',
  waiting: (m) => `wacht ${m} min`,
  offerTo: 'Voorleggen aan',
  offer: 'Voorleggen',
  cancel: 'Annuleren',
  cancelReason: 'Reden van annuleren',
  myBeds: 'Mijn locaties',
  incoming: 'Binnengekomen verzoeken',
  noIncoming: 'Geen verzoeken voor jullie locaties.',
  accept: 'Accepteren',
  decline: 'Afwijzen',
  declineReason: 'Reden van afwijzen',
  admitted: 'Opgenomen',
  question: 'Vraag',
  sbar: 'Overdracht (SBAR)',
  less: (b) => `Eén ${b} minder vrij`,
  more: (b) => `Eén ${b} meer vrij`,
  request: 'Plaats aanvragen',
  bedType: 'Soort bed',
  freeNow: (n) => `${n} vrij`,
  noneFree: 'Nu nergens een bed van dit type vrij: vraag toch aan, het zorgcoördinatiecentrum zoekt mee.',
  sent: 'Aanvraag verstuurd naar het zorgcoördinatiecentrum.',
  goesTo: (name) => `Cliënt gaat naar ${name}`,
  strip: 'Vannacht vrij (tijdelijk verblijf)',
  stripNone: 'Op dit moment geen vrije tijdelijke bedden bekend.',
};

function minutesSince(iso, now = Date.now()) {
  return Math.max(0, Math.floor((now - new Date(iso).getTime()) / 60000));
}

/** Poll `path` every few seconds; returns [data, reload]. */
function usePolled(path) {
  const [data, setData] = useState(null);
  const timer = useRef(null);
  const load = async () => {
    try {
      setData(await api.get(path));
    } catch {}
  };
  useEffect(() => {
    let alive = true;
    const loop = async () => {
      await load();
      if (alive) timer.current = setTimeout(loop, POLL_MS);
    };
    loop();
    return () => {
      alive = false;
      clearTimeout(timer.current);
    };
  }, [path]);
  return [data, load];
}

/** Free beds per bed type over all locations (only counts that are not stale). */
function freeByType(rows) {
  const out = {};
  for (const r of rows || []) out[r.bed_type] = (out[r.bed_type] || 0) + (r.stale ? 0 : r.free);
  return out;
}

function StaleMark({ row }) {
  return row.stale ? <span class="badge warn" title={R.staleHint} data-testid="stale">{R.stale}</span> : null;
}

// -- the regional coordinator's board ------------------------------------------------------------------

export function RegionalBoard() {
  const [rows] = usePolled('/api/capacity');
  const [placements, reloadPlacements] = usePolled('/api/placements');
  const types = Object.keys(V.bedTypes);
  const locations = [];
  const cell = {};
  for (const r of rows || []) {
    if (!locations.find((l) => l.location_id === r.location_id)) locations.push(r);
    cell[`${r.location_id}:${r.bed_type}`] = r;
  }
  const open = (placements || []).filter((p) => ['requested', 'offered', 'accepted'].includes(p.status));
  return (
    <div class="desk region">
      <section class="card" aria-labelledby="beds-h">
        <h2 id="beds-h">{R.board}</h2>
        <p class="sub">{R.boardSub}</p>
        <div class="table-wrap">
          <table class="beds" data-testid="bed-board">
            <thead>
              <tr><th scope="col">{R.location}</th>{types.map((t) => <th scope="col" key={t}>{V.bedTypes[t]}</th>)}</tr>
            </thead>
            <tbody>
              {locations.map((l) => (
                <tr key={l.location_id}>
                  <th scope="row">{l.location}<br /><small>{l.organisation} · {l.phone || ''}</small></th>
                  {types.map((t) => {
                    const c = cell[`${l.location_id}:${t}`];
                    if (!c) return <td key={t} class="none">–</td>;
                    return (
                      <td key={t} class={`${c.free > 0 ? 'free' : 'full'} ${c.stale ? 'stale' : ''}`}
                        data-testid={`cell-${l.location_id}-${t}`} title={c.criteria || ''}>
                        <strong>{c.free}</strong> <StaleMark row={c} />
                        <br /><small>{R.updated} {formatTime(c.updated_at)}</small>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section class="card" aria-labelledby="req-h">
        <h2 id="req-h">{R.requests}</h2>
        {!open.length && <p>{R.noRequests}</p>}
        <ul class="list">
          {open.map((p) => <RequestItem key={p.id} p={p} rows={rows || []} onChanged={reloadPlacements} />)}
        </ul>
      </section>
    </div>
  );
}

function RequestItem({ p, rows, onChanged }) {
  const candidates = rows.filter((r) => r.bed_type === p.bed_type);
  const best = candidates.find((r) => r.free > 0) || candidates[0];
  const [locationId, setLocationId] = useState(best ? String(best.location_id) : '');
  const [error, setError] = useState('');
  const options = Object.fromEntries(candidates.map((r) => [String(r.location_id), `${r.location} (${R.freeNow(r.free)}${r.stale ? ', ' + R.stale : ''})`]));
  async function act(fn) {
    setError('');
    try {
      await fn();
      onChanged();
    } catch (e) {
      setError(errorText(e));
    }
  }
  return (
    <li class="item" data-testid={`placement-${p.id}`}>
      <div>
        <strong>{V.bedTypes[p.bed_type]}</strong> · {p.client?.name} ({p.client?.postcode}) ·{' '}
        <span class="badge">{V.placementStatuses[p.status]}</span> · {R.waiting(minutesSince(p.waiting_since))}
        {p.location && <> · {p.location.name}</>}
      </div>
      <p class="small">{p.question}</p>
      {p.decline_reason && p.status === 'requested' && <p class="small">{R.decline}: {p.decline_reason}</p>}
      {p.status === 'requested' && (
        <div class="row">
          <Select label={R.offerTo} value={locationId} onChange={setLocationId} options={options} placeholder="—" />
          <button class="primary" disabled={!locationId} onClick={() => act(() => api.post(`/api/placements/${p.id}/offer`, { location_id: Number(locationId) }))}>{R.offer}</button>
        </div>
      )}
      {p.status !== 'admitted' && (
        <button class="ghost" onClick={() => {
          const reason = prompt(R.cancelReason);
          if (reason) act(() => api.post(`/api/placements/${p.id}/cancel`, { reason }));
        }}>{R.cancel}</button>
      )}
      {error && <Message kind="error">{error}</Message>}
    </li>
  );
}

// -- the bed manager's phone screen --------------------------------------------------------------------

export function BedManagerApp() {
  const [rows, reloadRows] = usePolled('/api/capacity?mine=true');
  const [placements, reloadPlacements] = usePolled('/api/placements');
  const [error, setError] = useState('');
  async function setFree(r, free) {
    setError('');
    try {
      await api.put(`/api/capacity/${r.location_id}/${r.bed_type}`, { free });
      reloadRows();
    } catch (e) {
      setError(errorText(e));
    }
  }
  const byLocation = {};
  for (const r of rows || []) (byLocation[r.location] ||= []).push(r);
  const incoming = (placements || []).filter((p) => ['offered', 'accepted'].includes(p.status));
  return (
    <div class="stack phone bed-manager">
      <section class="card" aria-labelledby="in-h">
        <h2 id="in-h">{R.incoming}</h2>
        {!incoming.length && <p>{R.noIncoming}</p>}
        {incoming.map((p) => <Incoming key={p.id} p={p} onChanged={() => { reloadPlacements(); reloadRows(); }} />)}
      </section>
      <section class="card" aria-labelledby="mine-h">
        <h2 id="mine-h">{R.myBeds}</h2>
        {error && <Message kind="error">{error}</Message>}
        {Object.entries(byLocation).map(([name, list]) => (
          <div key={name} class="stack">
            <h3>{name}</h3>
            {list.map((r) => (
              <div class="counter" key={r.bed_type} data-testid={`count-${r.location_id}-${r.bed_type}`}>
                <span class="grow">{V.bedTypes[r.bed_type]} <StaleMark row={r} /></span>
                <button class="big" aria-label={R.less(V.bedTypes[r.bed_type])} disabled={r.free <= 0} onClick={() => setFree(r, r.free - 1)}>−</button>
                <strong class="count" aria-live="polite">{r.free}</strong>
                <button class="big" aria-label={R.more(V.bedTypes[r.bed_type])} onClick={() => setFree(r, r.free + 1)}>+</button>
              </div>
            ))}
          </div>
        ))}
      </section>
    </div>
  );
}

function Incoming({ p, onChanged }) {
  const [error, setError] = useState('');
  async function act(fn) {
    setError('');
    try {
      await fn();
      onChanged();
    } catch (e) {
      setError(errorText(e));
      onChanged();
    }
  }
  return (
    <article class="card inner" data-testid={`incoming-${p.id}`}>
      <h3>{V.bedTypes[p.bed_type]} · {p.location?.name}</h3>
      <p><strong>{p.client?.name}</strong>, {p.client?.birth_date} · {p.client?.city}</p>
      <p><strong>{R.question}:</strong> {p.question}</p>
      {p.handover && (
        <details><summary>{R.sbar}</summary>
          {Object.keys(V.sbar).map((k) => <p key={k}><strong>{V.sbar[k]}:</strong> {p.handover[k]}</p>)}
        </details>
      )}
      <p><span class="badge">{V.placementStatuses[p.status]}</span></p>
      {p.status === 'offered' && (
        <div class="row">
          <button class="big primary" onClick={() => act(() => api.post(`/api/placements/${p.id}/accept`))}>{R.accept}</button>
          <button class="big secondary" onClick={() => {
            const reason = prompt(R.declineReason);
            if (reason) act(() => api.post(`/api/placements/${p.id}/decline`, { reason }));
          }}>{R.decline}</button>
        </div>
      )}
      {p.status === 'accepted' && <button class="big" onClick={() => act(() => api.post(`/api/placements/${p.id}/admitted`))}>{R.admitted}</button>}
      {error && <Message kind="error">{error}</Message>}
    </article>
  );
}

// -- the nurse: "Plaats aanvragen" after outcome temporary_stay ------------------------------------------

export function PlacementRequest({ clientId, visitId }) {
  const [rows, setRows] = useState(null);
  const [placement, setPlacement] = useState(null);
  const [bedType, setBedType] = useState('');
  const [question, setQuestion] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    api.get('/api/capacity').then(setRows).catch(() => {});
    api.get('/api/placements').then((list) => {
      const mine = list.filter((p) => p.visit_id === visitId && p.status !== 'cancelled').at(-1);
      if (mine) setPlacement(mine);
    }).catch(() => {});
  }, [visitId]);
  useEffect(() => {
    if (!placement || ['admitted', 'cancelled'].includes(placement.status)) return undefined;
    const t = setInterval(() => api.get(`/api/placements/${placement.id}`).then(setPlacement).catch(() => {}), POLL_MS);
    return () => clearInterval(t);
  }, [placement?.id, placement?.status]);
  const free = freeByType(rows);
  const options = Object.fromEntries(Object.keys(V.bedTypes).map((t) => [t, `${V.bedTypes[t]} — ${R.freeNow(free[t] || 0)}`]));
  async function submit() {
    setError('');
    try {
      setPlacement(await api.post('/api/placements', { client_id: clientId, visit_id: visitId, bed_type: bedType, question }));
    } catch (err) {
      setError(errorText(err));
    }
  }
  if (placement) {
    return (
      <section class="card" aria-live="polite" data-testid="placement-status">
        <h3>{R.request}: {V.bedTypes[placement.bed_type]}</h3>
        <p><span class="badge">{V.placementStatuses[placement.status]}</span></p>
        {['accepted', 'admitted'].includes(placement.status) && placement.location
          ? <Message>{R.goesTo(placement.location.name)} — {placement.location.address} {placement.location.phone ? `· ${placement.location.phone}` : ''}</Message>
          : <p>{R.sent}</p>}
      </section>
    );
  }
  return (
    // a part of the visit's outcome form (no form of its own: forms do not nest)
    <div class="card stack" data-testid="placement-request">
      <h3>{R.request}</h3>
      <Select label={R.bedType} value={bedType} onChange={setBedType} options={options} placeholder="—" />
      {bedType && !(free[bedType] > 0) && <Message kind="warn">{R.noneFree}</Message>}
      <TextArea label={R.question} value={question} onInput={setQuestion} />
      <button class="big primary" type="button" onClick={submit} disabled={!bedType || !question}>{R.request}</button>
      {error && <Message kind="error">{error}</Message>}
    </div>
  );
}

// -- the HAP: a small strip of free temporary beds ---------------------------------------------------------

export function FreeBedsStrip() {
  const [rows] = usePolled('/api/capacity');
  const free = freeByType(rows);
  const shown = Object.keys(V.bedTypes).filter((t) => free[t] > 0);
  return (
    <aside class="card strip" aria-label={R.strip} data-testid="free-beds">
      <strong>{R.strip}:</strong>{' '}
      {rows && !shown.length && <span>{R.stripNone}</span>}
      {shown.map((t) => <span class="badge" key={t}>{V.bedTypes[t]} {free[t]}</span>)}
    </aside>
  );
}
