// The on-call physician's phone: her consults with the visit's summary, take one, call the nurse back, advise.
import { useEffect, useState } from 'preact/hooks';
import V from './vocab.json';
import { api, uuid } from './api.js';
import { enablePush, pushState } from './push.js';
import { formatTime } from './geo.js';
import { TextArea, Message, errorText, useOnline } from './ui.jsx';
import { TC } from './consult.jsx';

const POLL_MS = 15000;

export function PhysicianApp() {
  const [consults, setConsults] = useState(null);
  const [error, setError] = useState('');
  const [push, setPush] = useState(null);
  const online = useOnline();

  async function load() {
    try {
      setConsults(await api.get('/api/consults'));
      setError('');
    } catch (e) {
      setError(errorText(e));
    }
  }
  useEffect(() => {
    load();
    pushState().then(setPush).catch(() => setPush('unsupported'));
    const timer = setInterval(load, POLL_MS);
    const onMessage = (e) => String(e.data?.type || '').startsWith('consult') && load();
    navigator.serviceWorker?.addEventListener('message', onMessage);
    return () => {
      clearInterval(timer);
      navigator.serviceWorker?.removeEventListener('message', onMessage);
    };
  }, []);

  if (consults === null) return error ? <Message kind="error">{error}</Message> : <p>…</p>;
  const open = consults.filter((c) => c.status !== 'advised');
  const done = consults.filter((c) => c.status === 'advised');
  return (
    <section class="stack physician" aria-labelledby="physician-h">
      <h1 id="physician-h">{TC.title}</h1>
      {!online && <Message kind="warn">{TC.offline}</Message>}
      {error && <Message kind="error">{error}</Message>}
      {push === 'off' && (
        <div class="card stack">
          <p>{TC.pushWhy}</p>
          <button class="big secondary" onClick={async () => setPush(await enablePush().catch(() => 'off'))}>{TC.pushOn}</button>
        </div>
      )}
      {!consults.length && <p class="muted">{TC.empty}</p>}
      <ul class="list" data-testid="consult-list">
        {[...open, ...done].map((c) => <li><ConsultCard consult={c} onChanged={load} /></li>)}
      </ul>
    </section>
  );
}

function age(birthDate) {
  if (!birthDate) return '';
  const born = new Date(birthDate), now = new Date();
  let years = now.getFullYear() - born.getFullYear();
  if (now < new Date(now.getFullYear(), born.getMonth(), born.getDate())) years -= 1;
  return `${years} ${TC.years}`;
}

function vitalsLine(v) {
  if (!v) return TC.noVitals;
  const news2 = v.news2 ? `NEWS2 ${v.news2.score} (${v.news2.band_label})` : '';
  return `${news2} · AH ${v.resp_rate} · SpO2 ${v.spo2}%${v.on_oxygen ? ' (O2)' : ''} · RR ${v.systolic_bp} · pols ${v.heart_rate} · ${v.temperature} °C · ${V.consciousness[v.consciousness] || v.consciousness}`;
}

function wishesLine(w) {
  if (!w || (!w.recorded && w.resuscitation === 'unknown' && w.hospital_admission === 'unknown')) return TC.noWishes;
  return [V.resuscitation[w.resuscitation], V.hospitalAdmission[w.hospital_admission], w.other_agreements].filter(Boolean).join(' · ');
}

function ConsultCard({ consult: c, onChanged }) {
  const [advice, setAdvice] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  async function act(path, body) {
    setBusy(true);
    setError('');
    try {
      await api.post(`/api/consults/${c.id}/${path}`, body, { idempotencyKey: uuid() });
      await onChanged();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }
  const band = c.latest_vitals?.news2?.band;
  return (
    <article class="card stack consult-card" data-testid="consult-card" aria-label={`${TC.asked}: ${c.client?.name}`}>
      <p class="spread">
        <strong class="client-name">{c.client?.name} · {age(c.client?.birth_date)}</strong>
        <span class="badge">{V.consultStatuses[c.status]}</span>
      </p>
      <p class="muted">{TC.asked} {formatTime(c.created_at)} · {V.categories[c.category] || c.category} · {c.urgency}</p>
      <p><strong>{c.question}</strong></p>
      <p class={`news2 band-${band || 'none'}`} data-testid="consult-vitals"><strong>{TC.vitals}:</strong> {vitalsLine(c.latest_vitals)}</p>
      <p><strong>{TC.complaint}:</strong> {c.complaint}</p>
      <p class="wishes"><strong>{TC.wishes}:</strong> {wishesLine(c.wishes)}</p>
      {c.nurse_phone && (
        <a class="big secondary link-button" href={`tel:${c.nurse_phone.replace(/[^+0-9]/g, '')}`} data-testid="call-nurse">
          {TC.callBack(c.nurse_name)} ({c.nurse_phone})
        </a>
      )}
      {error && <Message kind="error">{error}</Message>}
      {c.status === 'requested' && (
        <button class="big primary" disabled={busy} onClick={() => act('acknowledge')}>{TC.acknowledge}</button>
      )}
      {c.status !== 'advised' && (
        <form class="stack" onSubmit={(e) => { e.preventDefault(); if (advice.trim()) act('advice', { advice: advice.trim() }); }}>
          <TextArea label={TC.writeAdvice} value={advice} onInput={setAdvice} rows={4} required maxLength={4000} />
          <button class="big primary" type="submit" disabled={busy || !advice.trim()}>{TC.sendAdvice}</button>
        </form>
      )}
      {c.advice && <div class="advice-box"><strong>{TC.advice}:</strong> <p>{c.advice}</p></div>}
    </article>
  );
}
