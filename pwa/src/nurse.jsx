// The nurse's phone: status, offers, the steps to the door, and the visit — all usable without signal.
import { useEffect, useRef, useState } from 'preact/hooks';
import { T } from './texts.js';
import V from './vocab.json';
import { api, me, ApiError, NetworkError, uuid } from './api.js';
import { all, get, put } from './db.js';
import { enqueue, replay, keepMine, keepServer, discard, retry } from './outbox.js';
import { refreshNurse, forgetCall, forgetSentCompleted } from './sync.js';
import { enablePush, pushState } from './push.js';
import { distanceKm, mapLink, formatTime } from './geo.js';
import { Message, UrgencyBadge, useDevice, useOnline, errorText } from './ui.jsx';
import { VisitView } from './visit.jsx';

const POLL_MS = 5000;

export function NurseApp({ user, onUser }) {
  const online = useOnline();
  const calls = useDevice(() => all('calls'), []);
  const outbox = useDevice(() => all('outbox'), []);
  const [error, setError] = useState('');

  useEffect(() => {
    let timer;
    const tick = async () => {
      if (navigator.onLine) {
        await replay();
        await forgetSentCompleted();
        try {
          await refreshNurse(user);
          setError('');
        } catch (e) {
          if (!(e instanceof NetworkError)) setError(errorText(e));
        }
      }
      timer = setTimeout(tick, POLL_MS);
    };
    tick();
    const onMessage = (e) => e.data?.type === 'offer' && refreshNurse(user).catch(() => {});
    navigator.serviceWorker?.addEventListener('message', onMessage);
    const onVisible = () => document.visibilityState === 'visible' && navigator.onLine && refreshNurse(user).catch(() => {});
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearTimeout(timer);
      navigator.serviceWorker?.removeEventListener('message', onMessage);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [user.id]);

  useEffect(() => {
    if (online) replay().then(() => refreshNurse(user)).catch(() => {});
  }, [online]);

  if (!calls) return <p>{T.loading}</p>;
  const offer = calls.find((c) => c.status === 'offered' && c.nurse_id === user.id);
  const current = calls.find((c) => ['accepted', 'en_route', 'on_site', 'completed', 'cancelled'].includes(c.status));
  const stuck = (outbox || []).filter((e) => e.state !== 'pending');

  return (
    <div class="nurse">
      {stuck.map((e) => <OutboxProblem key={e.seq} entry={e} />)}
      {error && <Message kind="error">{error}</Message>}
      {offer && <OfferCard call={offer} user={user} />}
      {current ? <CurrentCall call={current} user={user} /> : <Home user={user} onUser={onUser} />}
    </div>
  );
}

function Home({ user, onUser }) {
  const [error, setError] = useState('');
  const availability = user.availability || 'off_duty';
  useEffect(() => {
    // Back on the home screen (e.g. after a visit): the server may have changed her availability.
    if (navigator.onLine) me().then((fresh) => fresh.availability !== user.availability && onUser(fresh)).catch(() => {});
  }, []);
  async function setStatus(status) {
    setError('');
    try {
      await api.post('/api/me/status', { status });
      let fresh = { ...user, availability: status };
      try {
        fresh = { ...(await me()), availability: status };
      } catch {}
      onUser(fresh);
    } catch (e) {
      setError(e instanceof NetworkError ? T.nurse.needOnline : errorText(e));
    }
  }
  return (
    <section class="stack" aria-labelledby="status-h">
      <PushBanner />
      <h1 id="status-h">{T.nurse.statusLabel}</h1>
      <p class={`availability av-${availability}`} data-testid="availability">
        {availability === 'available' ? T.nurse.available : availability === 'busy' ? T.nurse.busy : T.nurse.offDuty}
      </p>
      {availability === 'available' ? (
        <button class="big secondary" onClick={() => setStatus('off_duty')}>{T.nurse.goOffDuty}</button>
      ) : (
        <button class="big primary" onClick={() => setStatus('available')}>{T.nurse.goAvailable}</button>
      )}
      {error && <Message kind="error">{error}</Message>}
      <p class="muted">{T.nurse.noWork}</p>
    </section>
  );
}

function PushBanner() {
  const [state, setState] = useState('on');
  useEffect(() => {
    pushState().then(setState);
  }, []);
  async function enable() {
    try {
      setState(await enablePush());
    } catch {
      setState('failed');
    }
  }
  if (state === 'on') return <p class="push-on" data-testid="push-state">{T.push.on}</p>;
  return (
    <div class="banner warn" role="alert" data-testid="push-state">
      <p>{state === 'denied' ? T.push.denied : state === 'unsupported' ? T.push.unsupported : state === 'failed' ? T.push.failed : T.push.off}</p>
      {state !== 'unsupported' && state !== 'denied' && <button class="primary" onClick={enable}>{T.push.enable}</button>}
    </div>
  );
}

function Countdown({ until }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const s = Math.max(0, Math.round((new Date(until) - now) / 1000));
  return <p class="countdown" aria-live="off">{T.nurse.expiresIn(`${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`)}</p>;
}

function Wishes({ client }) {
  const w = client?.wishes;
  const items = [];
  if (w && typeof w === 'object' && !Array.isArray(w)) {
    if (w.resuscitation && w.resuscitation !== 'unknown') items.push(w.resuscitation_label || w.resuscitation);
    if (w.hospital_admission && w.hospital_admission !== 'unknown') items.push(w.hospital_admission_label || w.hospital_admission);
    if (w.preferred_place_of_care) items.push(`${T.wishes.placeOfCare}: ${w.preferred_place_of_care}`);
    if (w.preferred_place_of_death) items.push(`${T.wishes.placeOfDeath}: ${w.preferred_place_of_death}`);
    if (w.other_agreements) items.push(`${T.wishes.other}: ${w.other_agreements}`);
  }
  return (
    <div class="wishes">
      <h2>{T.nurse.wishes}</h2>
      {items.length ? <ul>{items.map((x) => <li>{x}</li>)}</ul> : <p class="muted">{T.nurse.noWishes}</p>}
    </div>
  );
}

function OfferCard({ call, user }) {
  const client = useDevice(() => get('clients', call.client_id), [call.client_id]);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState('');
  const km = client ? distanceKm(user.base_lat, user.base_lon, client.lat, client.lon) : null;
  const dialog = useRef();
  useEffect(() => dialog.current?.focus(), [call.id]);

  async function answer(kind) {
    setBusy(true);
    setError('');
    try {
      const result = await api.post(`/api/calls/${call.id}/${kind}`, kind === 'decline' && reason ? { reason } : {});
      if (kind === 'accept') await put('calls', { ...call, ...result });
      else await forgetCall(call.id);
    } catch (e) {
      if (e instanceof NetworkError) setError(T.nurse.needOnline);
      else if (e instanceof ApiError && e.status === 409) {
        setError(T.nurse.offerGone);
        setTimeout(() => forgetCall(call.id), 2500);
      } else setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="offer-h" data-testid="offer" tabIndex={-1} ref={dialog}>
      <div class={`offer urgbg-${call.urgency}`}>
        <h1 id="offer-h">{T.nurse.offerTitle}</h1>
        <p class="offer-urgency"><UrgencyBadge urgency={call.urgency} /> {V.urgencyLabels[call.urgency]}</p>
        <p class="offer-cat">{V.categories[call.category] || call.category}</p>
        <p class="offer-dist">{km !== null ? T.nurse.distance(km) : T.nurse.unknownDistance}{client ? ` · ${client.city || ''}` : ''}</p>
        {call.complaint && <p class="complaint">{call.complaint}</p>}
        <Wishes client={client} />
        {call.offer_expires_at && <Countdown until={call.offer_expires_at} />}
        {error && <Message kind="error">{error}</Message>}
        <div class="offer-actions">
          <button class="big primary" disabled={busy} onClick={() => answer('accept')}>{T.nurse.accept}</button>
          <label class="sr-only" for="decline-reason">{T.nurse.declineReason}</label>
          <input id="decline-reason" placeholder={T.nurse.declineReason} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          <button class="big danger" disabled={busy} onClick={() => answer('decline')}>{T.nurse.decline}</button>
        </div>
      </div>
    </div>
  );
}

function CurrentCall({ call, user }) {
  const client = useDevice(() => get('clients', call.client_id), [call.client_id]);
  const visit = useDevice(async () => (await all('visits')).find((v) => v.call_id === call.id) || null, [call.id]);

  async function step(status) {
    await put('calls', { ...call, status, localStatus: true });
    await enqueue({
      kind: 'status', method: 'POST', path: `/api/calls/${call.id}/status`, body: { status },
      label: `${V.staffStatuses[status]} — ${V.categories[call.category] || ''}`, ref: { call_id: call.id },
    });
    if (status === 'on_site') await startVisit();
  }

  /** The visit's id is made here, on the phone, so it can be recorded without signal and sent once. */
  async function startVisit() {
    const id = uuid();
    const arrived_at = new Date().toISOString();
    await put('visits', { id, call_id: call.id, arrived_at, version: null, vitals: [] });
    await enqueue({
      kind: 'visit_create', method: 'POST', path: '/api/visits', body: { id, call_id: call.id, arrived_at },
      label: T.visit.title, ref: { call_id: call.id, visit_id: id },
    });
  }

  if (call.status === 'cancelled') {
    return (
      <section class="stack">
        <Message kind="warn">{T.nurse.callCancelled}</Message>
        <button class="big secondary" onClick={() => forgetCall(call.id)}>{T.ok}</button>
      </section>
    );
  }
  if ((call.status === 'on_site' || call.status === 'completed') && visit) {
    return <VisitView call={call} visit={visit} client={client} user={user} />;
  }
  return (
    <section class="stack" aria-labelledby="call-h">
      <h1 id="call-h">{T.nurse.currentCall}</h1>
      <div class="card">
        <p><UrgencyBadge urgency={call.urgency} /> <strong>{V.categories[call.category] || call.category}</strong></p>
        <p class="status-line" data-testid="call-status">{V.staffStatuses[call.status]}</p>
        {client && (
          <>
            <p class="client-name">{client.name}</p>
            <p>{client.address}, {client.postcode} {client.city}</p>
            {client.phone && <p><a href={`tel:${client.phone}`}>{client.phone}</a></p>}
            <a class="big link-button" href={mapLink(client)}>{T.nurse.openMap}</a>
          </>
        )}
        {call.complaint && <p class="complaint">{call.complaint}</p>}
        {call.target_at && <p class="muted">{T.target}: {formatTime(call.target_at)}</p>}
      </div>
      <Wishes client={client} />
      {call.status === 'accepted' && <button class="big primary" onClick={() => step('en_route')}>{T.nurse.enRoute}</button>}
      {call.status === 'en_route' && <button class="big primary" onClick={() => step('on_site')}>{T.nurse.onSite}</button>}
      {call.status === 'on_site' && visit === undefined && <p>{T.loading}</p>}
      {call.status === 'on_site' && visit === null && <button class="big primary" onClick={startVisit}>{T.nurse.recordVisit}</button>}
    </section>
  );
}

const FIELD_LABELS = {
  actions: T.visit.actions, actions_note: T.visit.findings, client_informed: T.visit.clientInformed,
  mantelzorger_informed: T.visit.mantelzorgerInformed, arrived_at: T.visit.arrivedAt, departed_at: T.visit.departedAt,
};

function show(value) {
  if (value === true) return T.yes;
  if (value === false) return T.no;
  if (Array.isArray(value)) return value.map((x) => (typeof x === 'object' ? x.action || x.name || JSON.stringify(x) : x)).join('; ') || '—';
  if (value === null || value === undefined || value === '') return '—';
  return String(value);
}

function OutboxProblem({ entry }) {
  const conflict = entry.state === 'conflict';
  const differing = Object.keys(entry.body || {}).filter(
    (k) => k !== 'version' && show(entry.body[k]) !== show(entry.current?.[k]),
  );
  return (
    <div class="banner danger" role="alert" data-testid={conflict ? 'conflict' : 'outbox-failed'}>
      <h2>{conflict ? T.outbox.conflictTitle : T.outbox.failedTitle}</h2>
      <p><strong>{entry.label}</strong>{entry.error ? ` — ${entry.error}` : ''}</p>
      {conflict && (
        <>
          <p>{T.outbox.conflictText}</p>
          <dl class="diff">
            {differing.map((k) => (
              <div class="diff-field">
                <dt>{FIELD_LABELS[k] || k}</dt>
                <dd><span class="who-label">{T.outbox.yours}:</span> {show(entry.body[k])}</dd>
                <dd><span class="who-label">{T.outbox.server}:</span> {show(entry.current?.[k])}</dd>
              </div>
            ))}
          </dl>
          <div class="row">
            <button class="primary" onClick={() => keepMine(entry)}>{T.outbox.keepMine}</button>
            <button class="secondary" onClick={() => keepServer(entry)}>{T.outbox.keepServer}</button>
          </div>
        </>
      )}
      {!conflict && (
        <div class="row">
          <button class="secondary" onClick={() => retry(entry)}>{T.outbox.retry}</button>
          <button class="danger" onClick={() => discard(entry)}>{T.outbox.discard}</button>
        </div>
      )}
    </div>
  );
}
