// The HAP triagist: a fast, keyboard-friendly intake, and the calls they raised with live status.
import { useEffect, useRef, useState } from 'preact/hooks';
import { T, coded } from './texts.js';
import V from './vocab.json';
import { FreeBedsStrip } from './region.jsx';
import { api, ApiError } from './api.js';
import { Field, Select, TextArea, Message, UrgencyBadge, errorText } from './ui.jsx';
import { formatTime } from './geo.js';
import { usePolledCalls } from './board.jsx';

const URGENCIES = coded(V.urgencyLabels);
const NEW_CLIENT = { name: '', birth_date: '', address: '', postcode: '', city: '', lat: '', lon: '', phone: '', bsn: '', gp_name: '' };

export function HapApp({ user }) {
  const [lastCreated, setLastCreated] = useState(null);
  const { calls, refresh } = usePolledCalls();
  return (
    <div class="desk">
      <FreeBedsStrip />
      <Intake user={user} onCreated={(c) => { setLastCreated(c); refresh(); }} />
      <section aria-labelledby="mine-h" class="card">
        <h2 id="mine-h">{T.hap.myCalls}</h2>
        {lastCreated && <Message>{T.hap.created}: {V.categories[lastCreated.category]}</Message>}
        <CallList calls={calls} onChanged={refresh} />
      </section>
    </div>
  );
}

function Intake({ user, onCreated }) {
  const [bsn, setBsn] = useState('');
  const [birth, setBirth] = useState('');
  const [results, setResults] = useState(null);
  const [client, setClient] = useState(null); // an existing client
  const [fresh, setFresh] = useState(null); // a new client's fields
  const [call, setCall] = useState({ team: user.team || 'acute', category: '', urgency: 'U3', complaint: '', source: 'hap', caller_name: '', caller_phone: '' });
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const searchRef = useRef();
  const set = (k) => (v) => setCall({ ...call, [k]: v });
  const setF = (k) => (v) => setFresh({ ...fresh, [k]: v });

  async function search(e) {
    e.preventDefault();
    setError('');
    try {
      const found = await api.get(`/api/clients?bsn=${encodeURIComponent(bsn.trim())}&birth_date=${encodeURIComponent(birth)}`);
      setResults(Array.isArray(found) ? found : [found]);
    } catch (err) {
      setResults([]);
      if (!(err instanceof ApiError && (err.status === 404 || err.status === 405))) setError(errorText(err));
    }
  }

  async function submit(e) {
    e.preventDefault();
    if (call.urgency === 'U0' || call.urgency === 'U1') {
      setError(T.hap.u01);
      return;
    }
    setBusy(true);
    setError('');
    const body = { team: call.team, category: call.category, urgency: call.urgency, complaint: call.complaint, source: call.source };
    if (call.caller_name) body.caller_name = call.caller_name;
    if (call.caller_phone) body.caller_phone = call.caller_phone;
    if (client) body.client_id = client.id;
    else {
      const c = {};
      for (const [k, v] of Object.entries(fresh || {})) if (v !== '') c[k] = k === 'lat' || k === 'lon' ? Number(v) : v;
      body.client = c;
    }
    try {
      const created = await api.post('/api/calls', body);
      onCreated(created);
      setClient(null);
      setFresh(null);
      setResults(null);
      setBsn('');
      setBirth('');
      setCall({ ...call, category: '', complaint: '', caller_name: '', caller_phone: '' });
      searchRef.current?.focus();
    } catch (err) {
      const fields = err.body?.errors ? ` (${Object.keys(err.body.errors.json || err.body.errors).join(', ')})` : '';
      setError(errorText(err) + fields);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="intake-h" class="card">
      <h1 id="intake-h">{T.hap.title}</h1>
      {!client && !fresh && (
        <form onSubmit={search} class="row end" aria-label={T.hap.clientSearch}>
          <p class="muted" style="width:100%;margin:0">{T.hap.clientSearch}</p>
          <Field label={T.hap.bsn} value={bsn} onInput={setBsn} inputMode="numeric" ref={searchRef} autofocus required />
          <Field label={T.hap.birthDate} type="date" value={birth} onInput={setBirth} required />
          <button type="submit" class="secondary">{T.hap.search}</button>
          <button type="button" class="secondary" onClick={() => setFresh({ ...NEW_CLIENT })}>{T.hap.newClient}</button>
        </form>
      )}
      {results && !client && !fresh && (
        results.length ? (
          <ul class="list">
            {results.map((c) => (
              <li><button class="linkish" onClick={() => setClient(c)}>{c.name} · {c.birth_date} · {c.city}</button></li>
            ))}
          </ul>
        ) : <p class="muted">{T.hap.noResults}</p>
      )}
      <form onSubmit={submit} class="stack">
        {client && (
          <p>{T.hap.chosenClient}: <strong>{client.name}</strong> ({client.birth_date}) <button type="button" class="ghost" onClick={() => setClient(null)}>{T.hap.change}</button></p>
        )}
        {fresh && (
          <fieldset class="grid2">
            <legend>{T.hap.newClient}</legend>
            <Field label={T.hap.name} value={fresh.name} onInput={setF('name')} required />
            <Field label={T.hap.birthDate} type="date" value={fresh.birth_date} onInput={setF('birth_date')} required />
            <Field label={T.hap.address} value={fresh.address} onInput={setF('address')} required />
            <Field label={T.hap.postcode} value={fresh.postcode} onInput={setF('postcode')} required />
            <Field label={T.hap.city} value={fresh.city} onInput={setF('city')} required />
            <Field label={T.hap.phone} type="tel" value={fresh.phone} onInput={setF('phone')} />
            <Field label={T.hap.lat} type="number" step="any" value={fresh.lat} onInput={setF('lat')} required />
            <Field label={T.hap.lon} type="number" step="any" value={fresh.lon} onInput={setF('lon')} required />
            <Field label={T.hap.bsn} inputMode="numeric" value={fresh.bsn} onInput={setF('bsn')} />
            <Field label={T.hap.gpName} value={fresh.gp_name} onInput={setF('gp_name')} />
            <button type="button" class="ghost" onClick={() => setFresh(null)}>{T.hap.change}</button>
          </fieldset>
        )}
        <div class="grid2">
          <Select label={T.hap.team} value={call.team} onChange={set('team')} options={V.teams} />
          <Select label={T.hap.source} value={call.source} onChange={set('source')} options={V.sources} />
          <Select label={T.hap.category} value={call.category} onChange={set('category')} options={V.categories} placeholder="—" required />
          <Select label={T.hap.urgency} value={call.urgency} onChange={set('urgency')} options={URGENCIES} />
        </div>
        {(call.urgency === 'U0' || call.urgency === 'U1') && <Message kind="error">{T.hap.u01}</Message>}
        <TextArea label={T.hap.complaint} value={call.complaint} onInput={set('complaint')} required />
        <div class="grid2">
          <Field label={T.hap.callerName} value={call.caller_name} onInput={set('caller_name')} />
          <Field label={T.hap.callerPhone} type="tel" value={call.caller_phone} onInput={set('caller_phone')} />
        </div>
        {error && <Message kind="error">{error}</Message>}
        <button class="big primary" type="submit" disabled={busy || (!client && !fresh)}>{T.hap.submit}</button>
      </form>
    </section>
  );
}

function CallList({ calls, onChanged }) {
  const [error, setError] = useState('');
  if (!calls.length) return <p class="muted">{T.hap.none}</p>;
  async function cancel(call) {
    const reason = prompt(T.hap.cancelReason);
    if (!reason) return;
    try {
      await api.post(`/api/calls/${call.id}/cancel`, { reason });
      onChanged();
    } catch (e) {
      setError(errorText(e));
    }
  }
  return (
    <>
      {error && <Message kind="error">{error}</Message>}
      <ul class="list" data-testid="hap-calls">
        {calls.map((c) => (
          <li class={`callrow st-${c.status}`}>
            <UrgencyBadge urgency={c.urgency} /> <strong>{V.categories[c.category] || c.category}</strong>
            {c.client && <> · {c.client.name}</>}
            {' · '}<span data-testid="hap-call-status">{V.staffStatuses[c.status] || c.status}</span>
            {' · '}{formatTime(c.created_at)}
            {c.closing_note && <p class="closing"><strong>{T.hap.closingNote}:</strong> {c.closing_note}</p>}
            {!['completed', 'cancelled'].includes(c.status) && <button class="ghost" onClick={() => cancel(c)}>{T.hap.cancel}</button>}
          </li>
        ))}
      </ul>
    </>
  );
}
