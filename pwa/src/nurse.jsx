// The nurse's phone: status, offers, the steps to the door, and the visit — all usable without signal.
import { useEffect, useRef, useState } from 'preact/hooks';
import { T } from './texts.js';
import V from './vocab.json';
import { api, me, ApiError, NetworkError, uuid } from './api.js';
import { all, get, put } from './db.js';
import { enqueue, replay, keepMine, keepServer, discard, retry } from './outbox.js';
import { refreshNurse, forgetCall, forgetSentCompleted } from './sync.js';
import { enablePush, pushState, pushStateNow } from './push.js';
import { distanceKm, mapLink, formatTime } from './geo.js';
import { Message, UrgencyBadge, useDevice, useOnline, errorText } from './ui.jsx';
import { VisitView } from './visit.jsx';
import { ring } from './audio.js';
import { EpisodeBox, TeamPlanned } from './episode.jsx';

const POLL_MS = 5000;

/** `after`: drawn below her work once it shows (her roster), so it never jumps down as the work appears. */
export function NurseApp({ user, onUser, after = null }) {
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

  // Back online: send and fetch at once (the first run is the poll's own first tick above).
  const wasOnline = useRef(online);
  useEffect(() => {
    if (online && !wasOnline.current) replay().then(() => refreshNurse(user)).catch(() => {});
    wasOnline.current = online;
  }, [online]);

  const offer = calls?.find((c) => c.status === 'offered' && c.nurse_id === user.id);
  const current = calls?.find((c) => ['accepted', 'en_route', 'on_site', 'completed', 'cancelled'].includes(c.status));
  const expired = useExpiredOffer(offer, current);
  const [pushStep, setPushStep] = usePushStep(user);

  // A new offer rings while the app is open (the service worker's notification rings when it is not).
  const rung = useRef(null);
  useEffect(() => {
    if (offer && rung.current !== offer.id) {
      rung.current = offer.id;
      ring();
    }
  }, [offer?.id]);

  if (!calls || pushStep === null) return <p>{T.loading}</p>;
  if (pushStep) return <>{offer && <OfferCard call={offer} user={user} />}<PushStep onDone={() => setPushStep(false)} />{after}</>;
  const stuck = (outbox || []).filter((e) => e.state !== 'pending');

  return (
    <div class="nurse">
      {stuck.map((e) => <OutboxProblem key={e.seq} entry={e} />)}
      {error && <Message kind="error">{error}</Message>}
      {expired && !offer && <div class="banner warn" role="alert" data-testid="offer-expired"><p><strong>{T.nurse.expired}</strong> {T.nurse.expiredText}</p></div>}
      {offer && <OfferCard call={offer} user={user} />}
      {current?.status === 'on_site' && <PlaceClient call={current} />}
      {current ? <CurrentCall call={current} user={user} /> : <Home user={user} onUser={onUser} />}
      {after}
    </div>
  );
}

/** At the door of a client whose address was not found: with her consent, the phone's position places it. */
function PlaceClient({ call }) {
  const client = useDevice(() => get('clients', call.client_id), [call.client_id]);
  const [state, setState] = useState('ask');
  if (!client || client.lat != null || state === 'done') return null;
  function place() {
    setState('busy');
    navigator.geolocation.getCurrentPosition(async (pos) => {
      const body = { lat: pos.coords.latitude, lon: pos.coords.longitude };
      await enqueue({ kind: 'position', method: 'POST', path: `/api/clients/${client.id}/position`, body, label: T.nurse.placeLabel, ref: { call_id: call.id } },
        ['clients', { ...client, ...body }]);
      setState('done');
    }, () => setState('failed'), { enableHighAccuracy: true, timeout: 15000 });
  }
  return (
    <div class="banner warn" data-testid="place-client">
      <p><strong>{T.nurse.addressNotFound}.</strong> {T.nurse.placeText}</p>
      {state === 'failed' && <p>{T.nurse.placeFailed}</p>}
      <button class="secondary" disabled={state === 'busy'} onClick={place}>{T.nurse.placeButton}</button>
    </div>
  );
}

/** An offer that left the phone unanswered after its time: say so ("Verlopen — doorgezet"), don't just vanish. */
function useExpiredOffer(offer, current) {
  const seen = useRef(null);
  const [expired, setExpired] = useState(null);
  useEffect(() => {
    if (offer) {
      seen.current = offer;
      setExpired(null);
      return;
    }
    const last = seen.current;
    seen.current = null;
    if (last && current?.id !== last.id && last.offer_expires_at && Date.now() >= new Date(last.offer_expires_at).getTime() - 2000) {
      setExpired(last);
    }
  }, [offer?.id, current?.id]);
  useEffect(() => {
    if (!expired) return;
    const t = setTimeout(() => setExpired(null), 5 * 60000);
    return () => clearTimeout(t);
  }, [expired]);
  return expired;
}

/** On her first login on this device, notifications are a full step with the reason, not a banner to miss. */
function usePushStep(user) {
  const key = `push-asked:${user.id}`;
  const [step, setStep] = useState(localStorage.getItem(key) ? false : null); // null: still finding out
  useEffect(() => {
    if (step === false) return;
    pushState().then((state) => setStep(state === 'off')).catch(() => setStep(false));
  }, [user.id]);
  return [step, (v) => {
    localStorage.setItem(key, '1');
    setStep(v);
  }];
}

function PushStep({ onDone }) {
  const [state, setState] = useState('off');
  async function enable() {
    try {
      const result = await enablePush();
      setState(result);
      if (result === 'on') onDone();
    } catch {
      setState('failed');
    }
  }
  return (
    <section class="stack push-step" aria-labelledby="push-step-h" data-testid="push-step">
      <h1 id="push-step-h">{T.push.stepTitle}</h1>
      <p>{T.push.stepWhy}</p>
      <ul>{T.push.stepPoints.map((x) => <li>{x}</li>)}</ul>
      {state !== 'off' && <Message kind="warn">{state === 'denied' ? T.push.denied : state === 'unsupported' ? T.push.unsupported : T.push.failed}</Message>}
      <button class="big primary" onClick={enable}>{T.push.enable}</button>
      <button class="big secondary" onClick={onDone}>{T.push.later}</button>
    </section>
  );
}

function Home({ user, onUser }) {
  const [error, setError] = useState('');
  const availability = user.availability || 'off_duty';
  useEffect(() => {
    // Back on the home screen (e.g. after a visit): the server may have changed her availability.
    if (navigator.onLine) me({ maxAge: 10000 }).then((fresh) => fresh.availability !== user.availability && onUser(fresh)).catch(() => {});
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
      <TeamPlanned />
    </section>
  );
}

function PushBanner() {
  // What the browser says at once (no permission yet: 'off'), so the banner is drawn at its size from the start.
  const [state, setState] = useState(pushStateNow);
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

function useNow(ms) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, []);
  return now;
}

function Countdown({ until, now }) {
  const s = Math.max(0, Math.round((new Date(until) - now) / 1000));
  if (!s) return <p class="countdown expired" role="alert" data-testid="offer-expired"><strong>{T.nurse.expired}.</strong> {T.nurse.expiredText}</p>;
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
  const now = useNow(1000);
  const over = call.offer_expires_at && new Date(call.offer_expires_at).getTime() <= now;
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
      if (e instanceof NetworkError) setError(e.message === 'timeout' ? T.nurse.noAnswer : T.nurse.needOnline);
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
        <p class="offer-dist">{km !== null ? T.nurse.distance(km) : client && client.lat == null ? T.nurse.addressNotFound : T.nurse.unknownDistance}{client ? ` · ${client.city || ''}` : ''}</p>
        {call.complaint && <p class="complaint">{call.complaint}</p>}
        <Wishes client={client} />
        <EpisodeBox clientId={call.client_id} compact />
        {call.offer_expires_at && <Countdown until={call.offer_expires_at} now={now} />}
        {error && <Message kind="error">{error}</Message>}
        <div class="offer-actions">
          <button class="big primary" disabled={busy || over} onClick={() => answer('accept')}>{busy ? T.nurse.sending : T.nurse.accept}</button>
          <label class="sr-only" for="decline-reason">{T.nurse.declineReason}</label>
          <input id="decline-reason" placeholder={T.nurse.declineReason} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          <button class="big danger" disabled={busy || over} onClick={() => answer('decline')}>{T.nurse.decline}</button>
        </div>
      </div>
    </div>
  );
}

function CurrentCall({ call, user }) {
  const client = useDevice(() => get('clients', call.client_id), [call.client_id]);
  const visit = useDevice(async () => (await all('visits')).find((v) => v.call_id === call.id) || null, [call.id]);

  async function step(status) {
    await enqueue({
      kind: 'status', method: 'POST', path: `/api/calls/${call.id}/status`, body: { status },
      label: `${V.staffStatuses[status]} — ${V.categories[call.category] || ''}`, ref: { call_id: call.id },
    }, ['calls', { ...call, status, localStatus: true, localStatusAt: Date.now() }]);
    if (status === 'on_site') await startVisit();
  }

  /** The visit's id is made here, on the phone, so it can be recorded without signal and sent once. */
  async function startVisit() {
    const id = uuid();
    const arrived_at = new Date().toISOString();
    await enqueue({
      kind: 'visit_create', method: 'POST', path: '/api/visits', body: { id, call_id: call.id, arrived_at },
      label: T.visit.title, ref: { call_id: call.id, visit_id: id },
    }, ['visits', { id, call_id: call.id, arrived_at, version: null, vitals: [] }]);
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
  // The next step sits at the top, above the fold; then who, where, and who called.
  return (
    <section class="stack" aria-labelledby="call-h">
      <h1 id="call-h" class="call-h"><UrgencyBadge urgency={call.urgency} /> {V.categories[call.category] || call.category}</h1>
      <p class="status-line"><span data-testid="call-status">{V.staffStatuses[call.status]}</span>{call.target_at && <span class="muted"> · {T.target} {formatTime(call.target_at)}</span>}</p>
      {call.status === 'accepted' && <button class="big primary" onClick={() => step('en_route')}>{T.nurse.enRoute}</button>}
      {call.status === 'en_route' && <button class="big primary" onClick={() => step('on_site')}>{T.nurse.onSite}</button>}
      {call.status === 'on_site' && visit === undefined && <p>{T.loading}</p>}
      {call.status === 'on_site' && visit === null && <button class="big primary" onClick={startVisit}>{T.nurse.recordVisit}</button>}
      <div class="card">
        {client && (
          <>
            <p class="client-name">{client.name}</p>
            <p>{client.address}, {client.postcode} {client.city}</p>
            {client.lat == null && <p class="warn-text">{T.nurse.addressNotFound}</p>}
            <div class="actions2">
              {client.phone && <a class="link-button secondary" href={`tel:${client.phone}`}>{T.nurse.callClient}</a>}
              <a class="link-button secondary" href={mapLink(client)}>{T.nurse.openMap}</a>
            </div>
          </>
        )}
        {(call.caller_name || call.caller_phone) && (
          <p class="caller" data-testid="caller">
            <strong>{T.nurse.caller}:</strong> {call.caller_name || ''}{call.caller_phone && <> · <a href={`tel:${call.caller_phone}`}>{call.caller_phone}</a></>}
          </p>
        )}
        {call.complaint && <p class="complaint">{call.complaint}</p>}
      </div>
      <Wishes client={client} />
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
