// "Overleg SO" on the nurse's visit screen: the question goes into the outbox (sent when there is signal),
// the on-call physician's advice comes back into the visit (sync, a push, or a look while one is open).
import { useEffect, useState } from 'preact/hooks';
import V from './vocab.json';
import { api, uuid } from './api.js';
import { get, put } from './db.js';
import { enqueue } from './outbox.js';
import { formatTime } from './geo.js';
import { TextArea, Message, useOnline } from './ui.jsx';

export const TC = {
  ask: 'Overleg SO',
  askTitle: 'Overleg met de arts van dienst',
  askWhy: 'De SO, VS of PA van dienst krijgt je vraag met de metingen (NEWS2), de klacht en de wensen, en belt je terug.',
  question: 'Je vraag aan de arts',
  send: 'Vraag versturen',
  cancel: 'Annuleren',
  queued: 'Staat klaar — wordt verstuurd zodra er verbinding is',
  sent: 'Verstuurd',
  advice: 'Advies',
  adviceBy: (name) => `Advies van ${name || 'de arts'}`,
  none: 'Nog geen overleg bij dit bezoek.',
  // the physician's screen
  title: 'Overlegvragen',
  empty: 'Geen overlegvragen voor jou.',
  acknowledge: 'Aannemen — ik bel terug',
  callBack: (name) => `Bel ${name} terug`,
  writeAdvice: 'Je advies (komt in het bezoekverslag)',
  sendAdvice: 'Advies versturen',
  asked: 'Gevraagd',
  vitals: 'Metingen',
  noVitals: 'Nog geen metingen',
  complaint: 'Klacht',
  wishes: 'Wensen',
  noWishes: 'Niet besproken (geen behandelwensen vastgelegd)',
  years: 'jr',
  pushOn: 'Meldingen aanzetten',
  pushWhy: 'Zet meldingen aan: dan gaat je telefoon als een verpleegkundige overleg vraagt.',
  offline: 'Geen verbinding: aannemen en advies versturen kan pas weer met signaal.',
};

const OPEN = ['requested', 'acknowledged'];
const POLL_MS = 10000;

/** The consults of this visit: the server's (with advice) and the ones still waiting in the outbox. */
export function ConsultPanel({ visit, call }) {
  const [asking, setAsking] = useState(false);
  const [question, setQuestion] = useState('');
  const online = useOnline();
  const consults = [...(visit.consults || []), ...(visit.consultsLocal || [])];
  const waiting = consults.some((c) => OPEN.includes(c.status));

  // While a question is open the screen looks for the answer (the push also says so, if it gets through).
  useEffect(() => {
    if (!waiting || !online) return undefined;
    const look = () => refreshConsults(visit.id).catch(() => {});
    const timer = setInterval(look, POLL_MS);
    const onMessage = (e) => String(e.data?.type || '').startsWith('consult') && look();
    navigator.serviceWorker?.addEventListener('message', onMessage);
    return () => {
      clearInterval(timer);
      navigator.serviceWorker?.removeEventListener('message', onMessage);
    };
  }, [visit.id, waiting, online]);

  async function send(e) {
    e.preventDefault();
    const text = question.trim();
    if (text.length < 3) return;
    const local_id = uuid();
    const fresh = await get('visits', visit.id);
    const mine = { local_id, question: text, status: 'queued', created_at: new Date().toISOString() };
    await enqueue({
      kind: 'consult', method: 'POST', path: `/api/visits/${visit.id}/consults`, body: { question: text },
      label: TC.ask, ref: { call_id: call.id, visit_id: visit.id, local_id },
    }, ['visits', { ...fresh, consultsLocal: [...(fresh.consultsLocal || []), mine] }]);
    setQuestion('');
    setAsking(false);
  }

  return (
    <section class="stack consults" aria-labelledby="consult-h" data-testid="consults">
      <h2 id="consult-h" class="sr-only">{TC.askTitle}</h2>
      {consults.map((c) => (
        <div class="card" data-testid="consult">
          <p><strong>{TC.ask}</strong> · {c.status === 'queued' ? <em class="unsent">{TC.queued}</em> : V.consultStatuses[c.status]}</p>
          <p>{c.question}</p>
          {c.advice && (
            <div class="advice-box" data-testid="consult-advice">
              <strong>{TC.adviceBy(c.physician_name)}{c.advised_at ? ` (${formatTime(c.advised_at)})` : ''}:</strong>
              <p>{c.advice}</p>
            </div>
          )}
        </div>
      ))}
      {!asking && <button class="big secondary" type="button" onClick={() => setAsking(true)}>{TC.ask}</button>}
      {asking && (
        <form class="stack card" onSubmit={send}>
          <p class="muted">{TC.askWhy}</p>
          <TextArea label={TC.question} value={question} onInput={setQuestion} rows={3} required minLength={3} maxLength={2000} />
          <div class="row">
            <button class="big primary" type="submit">{TC.send}</button>
            <button class="big ghost" type="button" onClick={() => setAsking(false)}>{TC.cancel}</button>
          </div>
        </form>
      )}
    </section>
  );
}

/** Fetch the visit's consults from the server and keep them on the device. */
export async function refreshConsults(visitId) {
  const server = await api.get(`/api/visits/${visitId}`);
  const fresh = await get('visits', visitId);
  if (fresh) await put('visits', { ...fresh, consults: server.consults || [] });
}
