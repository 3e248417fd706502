// The HAP triagist: a fast, keyboard-friendly intake, and the calls they raised with live status.
import { useEffect, useRef, useState } from 'preact/hooks';
import { T, coded } from './texts.js';
import V from './vocab.json';
import { FreeBedsStrip } from './region.jsx';
import { api, ApiError, fieldErrors } from './api.js';
import { Field, Select, TextArea, Message, UrgencyBadge, errorText, focusFirstError } from './ui.jsx';
import { formatDate, formatDateTime } from './geo.js';
import { usePolledCalls } from './calls.js';

const URGENCIES = coded(V.urgencyLabels);
const NEW_CLIENT = { name: '', birth_date: '', house_number: '', address: '', postcode: '', city: '', phone: '', bsn: '', gp_name: '' };
const POSTCODE = /^\s*[1-9][0-9]{3}\s?[A-Za-z]{2}\s*$/;

const LABELS = {
  name: 'name', birth_date: 'birthDate', address: 'address', postcode: 'postcode', city: 'city', phone: 'phone',
  bsn: 'bsn', gp_name: 'gpName', team: 'team', category: 'category', urgency: 'urgency', complaint: 'complaint',
  source: 'source', caller_name: 'callerName', caller_phone: 'callerPhone',
};
function fieldLabel(key) {
  const last = key.split('.').at(-1);
  return T.hap[LABELS[last]] || (key === '_schema' ? T.hap.form : last);
}

export function HapApp({ user }) {
  const [lastCreated, setLastCreated] = useState(null);
  const { calls, refresh } = usePolledCalls();
  return (
    <div class="desk">
      <FreeBedsStrip />
      <Intake user={user} onCreated={(c) => { setLastCreated(c); refresh(); }} />
      <section aria-labelledby="mine-h" class="card">
        <h2 id="mine-h">{T.hap.myCalls}</h2>
        {lastCreated && (
          <Message>
            {T.hap.created}: {V.categories[lastCreated.category]}
            {lastCreated.client_match && <> — {T.hap.matched[lastCreated.client_match]}</>}
            {lastCreated.client && lastCreated.client.lat == null && <> — <strong>{T.hap.addressNotFound}</strong></>}
          </Message>
        )}
        <CallList calls={calls} onChanged={refresh} />
      </section>
    </div>
  );
}

/** Postcode + house number → street, place and coordinates (the geocoder); a miss never blocks the call. */
function useAddress(fresh, setFresh) {
  const [state, setState] = useState({ kind: 'idle' });
  const asked = useRef('');
  useEffect(() => {
    if (!fresh) return;
    const key = `${fresh.postcode}|${fresh.house_number}`;
    if (!POSTCODE.test(fresh.postcode) || !/^\s*[1-9]/.test(fresh.house_number) || key === asked.current) return;
    const t = setTimeout(async () => {
      asked.current = key;
      setState({ kind: 'busy' });
      try {
        const a = await api.get(`/api/geo/address?postcode=${encodeURIComponent(fresh.postcode)}&house_number=${encodeURIComponent(fresh.house_number)}`);
        setFresh((f) => ({ ...f, address: a.address, city: a.city, postcode: a.postcode, lat: a.lat, lon: a.lon }));
        setState({ kind: 'found', text: `${a.address}, ${a.postcode} ${a.city}` });
      } catch (e) {
        setFresh((f) => ({ ...f, lat: undefined, lon: undefined }));
        setState({ kind: e instanceof ApiError && e.status === 404 ? 'missing' : 'down' });
      }
    }, 300);
    return () => clearTimeout(t);
  }, [fresh?.postcode, fresh?.house_number]);
  return state;
}

function Intake({ user, onCreated }) {
  const [bsn, setBsn] = useState('');
  const [birth, setBirth] = useState('');
  const [results, setResults] = useState(null);
  const [nameQ, setNameQ] = useState('');
  const [searchedBy, setSearchedBy] = useState('bsn');
  const [client, setClient] = useState(null); // an existing client
  const [fresh, setFresh] = useState(null); // a new client's fields
  const [matches, setMatches] = useState(null); // likely existing clients the server found for `fresh`
  const [call, setCall] = useState({ team: user.team || 'acute', category: '', urgency: 'U3', complaint: '', source: 'hap', caller_name: '', caller_phone: '' });
  const [error, setError] = useState('');
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const searchRef = useRef();
  const formRef = useRef();
  const address = useAddress(fresh, setFresh);
  const set = (k) => (v) => setCall({ ...call, [k]: v });
  const setF = (k) => (v) => setFresh((f) => ({ ...f, [k]: v }));

  async function search(e) {
    e.preventDefault();
    setError('');
    try {
      const byName = e.currentTarget.dataset.by === 'name';
      setSearchedBy(byName ? 'name' : 'bsn');
      const found = await api.get(byName
        ? `/api/clients?name=${encodeURIComponent(nameQ.trim())}`
        : `/api/clients?bsn=${encodeURIComponent(bsn.trim())}&birth_date=${encodeURIComponent(birth)}`);
      setResults(Array.isArray(found) ? found : [found]);
    } catch (err) {
      setResults([]);
      if (!(err instanceof ApiError && (err.status === 404 || err.status === 405))) setError(errorText(err));
    }
  }

  function newClient() {
    // What was searched is not typed twice.
    setFresh(searchedBy === 'name' && results ? { ...NEW_CLIENT, name: nameQ.trim() } : { ...NEW_CLIENT, bsn: bsn.trim(), birth_date: birth });
    setResults(null);
  }

  const missing = [];
  if (!client && !fresh) missing.push(T.hap.needClient);
  if (!call.category) missing.push(T.hap.category);
  if (!call.complaint.trim()) missing.push(T.hap.complaint);

  async function submit(e, extra = {}) {
    e?.preventDefault();
    if (call.urgency === 'U0' || call.urgency === 'U1') {
      setError(T.hap.u01);
      return;
    }
    setBusy(true);
    setError('');
    setErrors({});
    const body = { team: call.team, category: call.category, urgency: call.urgency, complaint: call.complaint, source: call.source, ...extra };
    if (call.caller_name) body.caller_name = call.caller_name;
    if (call.caller_phone) body.caller_phone = call.caller_phone;
    if (client) body.client_id = client.id;
    else {
      const c = {};
      for (const [k, v] of Object.entries(fresh || {})) if (k !== 'house_number' && v !== '' && v !== undefined && v !== null) c[k] = v;
      body.client = c;
    }
    try {
      const created = await api.post('/api/calls', body);
      onCreated(created);
      setClient(null);
      setFresh(null);
      setMatches(null);
      setResults(null);
      setBsn('');
      setBirth('');
      setCall({ ...call, category: '', complaint: '', caller_name: '', caller_phone: '' });
      searchRef.current?.focus();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.body.matches) {
        setMatches(err.body.matches);
      } else {
        const fields = fieldErrors(err);
        const named = Object.entries(fields).map(([k, why]) => `${fieldLabel(k)}: ${why}`);
        // The server's message names fields by code; the form names them as the triagist sees them.
        setError(named.length ? T.hap.checkFields(named) : errorText(err));
        setErrors(fields);
        focusFirstError(formRef.current);
      }
    } finally {
      setBusy(false);
    }
  }

  const fe = (k) => errors[`client.${k}`];
  return (
    <section aria-labelledby="intake-h" class="card">
      <h1 id="intake-h">{T.hap.title}</h1>
      {!client && !fresh && (
        <form onSubmit={search} class="row end" aria-label={T.hap.clientSearch}>
          <p class="muted" style="width:100%;margin:0">{T.hap.clientSearch}</p>
          <Field label={T.hap.bsn} value={bsn} onInput={setBsn} inputMode="numeric" inputRef={searchRef} autofocus required />
          <Field label={T.hap.birthDate} type="date" value={birth} onInput={setBirth} required />
          <button type="submit" class="secondary">{T.hap.search}</button>
          <button type="button" class="secondary" onClick={newClient}>{T.hap.newClient}</button>
        </form>
      )}
      {!client && !fresh && (
        <form onSubmit={search} data-by="name" class="row end" aria-label={T.hap.searchName} data-testid="name-search">
          <Field label={T.hap.nameSearch} value={nameQ} onInput={setNameQ} minLength={2} required />
          <button type="submit" class="secondary">{T.hap.searchName}</button>
        </form>
      )}
      {results && !client && !fresh && (
        results.length ? (
          <ul class="list">
            {results.map((c) => (
              <li><button class="linkish" onClick={() => setClient(c)}>{c.name} · {formatDate(c.birth_date)} · {c.address}, {c.city}</button></li>
            ))}
          </ul>
        ) : (
          <p class="muted">{T.hap.noResults} <button type="button" class="secondary" onClick={newClient}>{searchedBy === 'name' ? T.hap.newWithName : T.hap.newWithThese}</button></p>
        )
      )}
      <form onSubmit={submit} class="stack" ref={formRef} noValidate={Object.keys(errors).length > 0}>
        {client && (
          <p>{T.hap.chosenClient}: <strong>{client.name}</strong> ({formatDate(client.birth_date)}) <button type="button" class="ghost" onClick={() => setClient(null)}>{T.hap.change}</button></p>
        )}
        {fresh && (
          <fieldset class="grid2">
            <legend>{T.hap.newClient}</legend>
            <Field label={T.hap.name} value={fresh.name} onInput={setF('name')} error={fe('name')} required />
            <Field label={T.hap.birthDate} type="date" value={fresh.birth_date} onInput={setF('birth_date')} error={fe('birth_date')} required />
            <Field label={T.hap.postcode} value={fresh.postcode} onInput={setF('postcode')} error={fe('postcode')} autocomplete="postal-code" required />
            <Field label={T.hap.houseNumber} value={fresh.house_number} onInput={setF('house_number')} inputMode="text" />
            <p class={`address-state span2 as-${address.kind}`} role="status" aria-live="polite" data-testid="address-state">
              {address.kind === 'busy' ? T.hap.addressBusy
                : address.kind === 'found' ? `✓ ${address.text}`
                : address.kind === 'missing' ? T.hap.addressMissing
                : address.kind === 'down' ? T.hap.addressDown : T.hap.addressHint}
            </p>
            <Field label={T.hap.address} value={fresh.address} onInput={setF('address')} error={fe('address')} required />
            <Field label={T.hap.city} value={fresh.city} onInput={setF('city')} error={fe('city')} required />
            <Field label={T.hap.phone} type="tel" value={fresh.phone} onInput={setF('phone')} error={fe('phone')} />
            <Field label={T.hap.bsn} inputMode="numeric" value={fresh.bsn} onInput={setF('bsn')} error={fe('bsn')} />
            <Field label={T.hap.gpName} value={fresh.gp_name} onInput={setF('gp_name')} error={fe('gp_name')} />
            <button type="button" class="ghost" onClick={() => { setFresh(null); setMatches(null); }}>{T.hap.change}</button>
          </fieldset>
        )}
        {matches && (
          <div class="banner warn" role="alert" data-testid="matches">
            <p><strong>{T.hap.likelyTitle}</strong> {T.hap.likelyText}</p>
            <ul class="list">
              {matches.map((m) => (
                <li>
                  {m.name} · {formatDate(m.birth_date)} · {m.address}, {m.postcode} {m.city}{' '}
                  <button type="button" class="primary" disabled={busy} onClick={() => submit(null, { match_client_id: m.id })}>{T.hap.sameClient}</button>
                </li>
              ))}
            </ul>
            <button type="button" class="secondary" disabled={busy} onClick={() => submit(null, { new_client_confirmed: true })}>{T.hap.otherClient}</button>
          </div>
        )}
        <div class="grid2">
          <Select label={T.hap.team} value={call.team} onChange={set('team')} options={V.teams} error={errors.team} />
          <Select label={T.hap.source} value={call.source} onChange={set('source')} options={V.sources} error={errors.source} />
          <Select label={T.hap.category} value={call.category} onChange={set('category')} options={V.categories} placeholder="—" error={errors.category} required />
          <Select label={T.hap.urgency} value={call.urgency} onChange={set('urgency')} options={URGENCIES} error={errors.urgency} />
        </div>
        {(call.urgency === 'U0' || call.urgency === 'U1') && <Message kind="error">{T.hap.u01}</Message>}
        <TextArea label={T.hap.complaint} value={call.complaint} onInput={set('complaint')} error={errors.complaint} required />
        <div class="grid2">
          <Field label={T.hap.callerName} value={call.caller_name} onInput={set('caller_name')} error={errors.caller_name} />
          <Field label={T.hap.callerPhone} type="tel" value={call.caller_phone} onInput={set('caller_phone')} error={errors.caller_phone} />
        </div>
        {error && <Message kind="error">{error}</Message>}
        {missing.length > 0 && <p class="muted" id="submit-why">{T.hap.stillNeeded(missing)}</p>}
        <button class="big primary" type="submit" disabled={busy || (!client && !fresh)} aria-describedby={missing.length ? 'submit-why' : undefined}>{T.hap.submit}</button>
      </form>
    </section>
  );
}

function CallList({ calls, onChanged }) {
  const [error, setError] = useState('');
  const [cancelling, setCancelling] = useState(null);
  const [reason, setReason] = useState('');
  if (!calls.length) return <p class="muted">{T.hap.none}</p>;
  async function cancel(e, call) {
    e.preventDefault();
    try {
      await api.post(`/api/calls/${call.id}/cancel`, { reason });
      setCancelling(null);
      setReason('');
      onChanged();
    } catch (err) {
      setError(errorText(err));
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
            {c.client && c.client.lat == null && <span class="badge warn-badge">{T.hap.addressNotFound}</span>}
            {' · '}<span data-testid="hap-call-status">{V.staffStatuses[c.status] || c.status}</span>
            {' · '}{formatDateTime(c.created_at)}
            {c.closing_note && <p class="closing"><strong>{T.hap.closingNote}:</strong> {c.closing_note}</p>}
            {!['completed', 'cancelled'].includes(c.status) && cancelling !== c.id && (
              <button class="ghost" onClick={() => { setCancelling(c.id); setReason(''); }}>{T.hap.cancel}</button>
            )}
            {cancelling === c.id && (
              <form class="row end" onSubmit={(e) => cancel(e, c)}>
                <Field label={T.hap.cancelReason} value={reason} onInput={setReason} required autofocus />
                <button class="danger" type="submit">{T.hap.confirmCancel}</button>
                <button class="ghost" type="button" onClick={() => setCancelling(null)}>{T.hap.keep}</button>
              </form>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
