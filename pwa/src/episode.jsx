// Continuity (issue 17): the team's planned visits, the episode screen, the episode box on the nurse's offer and
// visit, and the mantelzorger's EDIZ form. Episode data is read live (never stored on the phone); the EDIZ goes
// through the outbox like every other write of a visit.
import { useEffect, useState } from 'preact/hooks';
import { T } from './texts.js';
import V from './vocab.json';
import { api } from './api.js';
import { enqueue } from './outbox.js';
import { formatTime } from './geo.js';
import { Field, TextArea, Select, Message, errorText } from './ui.jsx';

const DAY_MS = 86400000;

function localDay(iso) {
  return new Date(iso).toLocaleDateString('nl-NL', { timeZone: 'Europe/Amsterdam' });
}

function dayWord(iso, now) {
  const day = localDay(iso);
  if (day === localDay(now)) return T.planned.today;
  if (day === localDay(now + DAY_MS)) return T.planned.tomorrow;
  return new Date(iso).toLocaleDateString('nl-NL', { weekday: 'short', day: 'numeric', month: 'numeric', timeZone: 'Europe/Amsterdam' });
}

function toLocalInput(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Planned calls of today and tomorrow, earliest first. */
export function plannedSoon(calls, now = Date.now()) {
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  const until = start.getTime() + 2 * DAY_MS; // the end of tomorrow
  return calls
    .filter((c) => c.status === 'planned' && c.planned_for && new Date(c.planned_for).getTime() < until)
    .sort((a, b) => String(a.planned_for).localeCompare(String(b.planned_for)));
}

/** "Gepland": the team's planned visits of today and tomorrow (board and the nurse's day view). */
export function PlannedList({ calls, onSelect, selected, now = Date.now() }) {
  const soon = plannedSoon(calls, now);
  return (
    <section aria-labelledby="planned-h" class="planned" data-testid="planned">
      <h2 id="planned-h">{T.planned.title}</h2>
      {!soon.length ? <p class="muted">{T.planned.none}</p> : (
        <ul class="list">
          {soon.map((c) => {
            const text = `${T.planned.at(dayWord(c.planned_for, now), formatTime(c.planned_for))} · ${V.categories[c.category] || c.category}${c.client ? ` · ${c.client.name}, ${c.client.city}` : ''}`;
            return (
              <li class={c.id === selected ? 'sel' : ''} data-planned={c.id}>
                {onSelect ? <button class="linkish" onClick={() => onSelect(c.id)}>{text}</button> : <span>{text}</span>}
                {c.complaint && <p class="muted">{c.complaint}</p>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** The team's planned calls, polled (for the nurse's day view; the board has all calls already). */
export function TeamPlanned() {
  const [calls, setCalls] = useState([]);
  useEffect(() => {
    let alive = true;
    const load = () => navigator.onLine && api.get('/api/calls?status=planned').then((c) => alive && setCalls(c)).catch(() => {});
    load();
    const t = setInterval(load, 60000);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, []);
  return <PlannedList calls={calls} />;
}

/** Move or cancel a planned call (coordinator, team lead, the nurse of the visit before). */
export function PlannedActions({ call, onChanged, canCancel }) {
  const [when, setWhen] = useState(toLocalInput(call.planned_for));
  const [reason, setReason] = useState('');
  const [cancelReason, setCancelReason] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  async function move(e) {
    e.preventDefault();
    setError('');
    try {
      await api.post(`/api/calls/${call.id}/reschedule`, { planned_for: new Date(when).toISOString(), reason });
      setDone(T.planned.moved);
      setReason('');
      onChanged?.();
    } catch (err) {
      setError(errorText(err));
    }
  }
  async function cancel(e) {
    e.preventDefault();
    setError('');
    try {
      await api.post(`/api/calls/${call.id}/cancel`, { reason: cancelReason });
      onChanged?.();
    } catch (err) {
      setError(errorText(err));
    }
  }
  return (
    <div class="stack" data-testid="planned-actions">
      <p><strong>{T.planned.plannedFor}:</strong> {dayWord(call.planned_for, Date.now())} {formatTime(call.planned_for)}</p>
      <form onSubmit={move} class="stack">
        <Field label={T.planned.newTime} type="datetime-local" value={when} onInput={setWhen} required />
        <Field label={T.planned.reason} value={reason} onInput={setReason} required />
        <button class="secondary" type="submit">{T.planned.reschedule}</button>
      </form>
      {canCancel && (
        <form onSubmit={cancel} class="stack">
          <Field label={T.planned.cancelReason} value={cancelReason} onInput={setCancelReason} required />
          <button class="danger" type="submit">{T.planned.cancel}</button>
        </form>
      )}
      {done && <Message kind="info">{done}</Message>}
      {error && <Message kind="error">{error}</Message>}
    </div>
  );
}

/** The client's running episode, if any (read live; null while unknown or offline). */
export function useActiveEpisode(clientId) {
  const [episode, setEpisode] = useState(null);
  useEffect(() => {
    let alive = true;
    setEpisode(null);
    if (clientId && navigator.onLine) {
      api.get(`/api/episodes?client_id=${clientId}&status=active`).then((e) => alive && setEpisode(e[0] || null)).catch(() => {});
    }
    return () => {
      alive = false;
    };
  }, [clientId]);
  return episode;
}

/** On the offer card and the visit: the episode's goals and the last visit's summary, in a few lines. */
export function EpisodeBox({ clientId, compact = false }) {
  const episode = useActiveEpisode(clientId);
  if (!episode) return null;
  // On the offer card the accept button stays near: the summary is cut short there.
  const summary = episode.last_visit?.summary || '';
  const shown = compact && summary.length > 140 ? `${summary.slice(0, 139)}…` : summary;
  return (
    <div class="episode-box" data-testid="episode-box">
      <h2>{T.episode.title} · {T.episode.caseManager}: {episode.case_manager_name}</h2>
      <ul class="goals">{episode.goals.map((g) => <li>“{g}”</li>)}</ul>
      {episode.last_visit && <p><strong>{T.episode.lastVisit}</strong> ({localDay(episode.last_visit.arrived_at)}): {shown}</p>}
      {episode.signals.map((s) => <p class="warn-text" role="note">{s.message}</p>)}
    </div>
  );
}

function EdizTrend({ ediz }) {
  if (!ediz?.latest) return <p class="muted">{T.episode.noBurden}</p>;
  return (
    <div data-testid="ediz-trend">
      <p>
        <strong class={ediz.high ? 'warn-text' : ''}>{ediz.latest.contact_name}: {T.episode.score(ediz.latest.score)}{ediz.high ? ` (${T.episode.high})` : ''}</strong>
        {ediz.trend && <> · {T.episode.trend[ediz.trend]}</>}
      </p>
      <ol class="ediz-scores" aria-label={T.episode.burden}>
        {ediz.scores.map((s) => <li>{localDay(s.created_at)}: {T.episode.score(s.score)}</li>)}
      </ol>
    </div>
  );
}

/** The episode screen: goals, case manager, network with roles, plan, calls and visits, EDIZ and signals. */
export function EpisodeScreen({ id, user, onBack }) {
  const [episode, setEpisode] = useState(null);
  const [error, setError] = useState('');
  const [when, setWhen] = useState('');
  const [note, setNote] = useState('');
  const [handoverId, setHandoverId] = useState('');
  const [handovers, setHandovers] = useState([]);
  const load = () => api.get(`/api/episodes/${id}`).then(setEpisode).catch((e) => setError(errorText(e)));
  useEffect(() => {
    load();
  }, [id]);
  // The closing handover is one written at the episode's last visit (the usual hand-back to regular care).
  const lastVisit = episode?.last_visit?.id;
  useEffect(() => {
    if (!lastVisit) return;
    api.get(`/api/handovers?visit_id=${lastVisit}`).then(setHandovers).catch(() => setHandovers([]));
  }, [lastVisit]);
  async function plan(e) {
    e.preventDefault();
    setError('');
    try {
      await api.post(`/api/episodes/${id}/planned-visits`, { planned_for: new Date(when).toISOString(), note: note || null });
      setWhen('');
      setNote('');
      load();
    } catch (err) {
      setError(errorText(err));
    }
  }
  async function close(e) {
    e.preventDefault();
    setError('');
    try {
      setEpisode(await api.post(`/api/episodes/${id}/close`, { handover_id: handoverId }));
    } catch (err) {
      setError(errorText(err));
    }
  }
  if (!episode) return <section class="card">{error ? <Message kind="error">{error}</Message> : <p>{T.loading}</p>}</section>;
  const active = episode.status === 'active';
  const manages = user && (user.role === 'team_lead' || user.id === episode.case_manager_id);
  return (
    <section class="card episode" aria-labelledby="episode-h" data-testid="episode">
      <div class="row spread">
        <h1 id="episode-h">{T.episode.title}: {episode.client?.name}</h1>
        {onBack && <button class="ghost" onClick={onBack}>{T.episode.back}</button>}
      </div>
      <p class="muted">
        {V.episodeStatuses[episode.status]} · {T.episode.since(localDay(episode.started_at))} · {T.episode.caseManager}: {episode.case_manager_name}
      </p>
      {episode.signals.length > 0 && (
        <div class="banner warn" role="note" data-testid="episode-signals">
          {episode.signals.map((s) => <p>{s.message}</p>)}
        </div>
      )}
      <h2>{T.episode.goals}</h2>
      <ul class="goals" data-testid="episode-goals">{episode.goals.map((g) => <li>“{g}”</li>)}</ul>
      <h2>{T.episode.network}</h2>
      {!episode.network.length ? <p class="muted">{T.episode.noNetwork}</p> : (
        <ul class="list">
          {episode.network.map((m) => (
            <li>
              <strong>{m.name}</strong>{m.relation ? ` (${m.relation})` : ''}{m.is_mantelzorger ? ` · ${T.ediz.contact.toLowerCase()}` : ''}
              {m.phone && <> · <a href={`tel:${m.phone}`}>{m.phone}</a></>}
              {m.role && <p class="muted">{m.role}</p>}
            </li>
          ))}
        </ul>
      )}
      <h2>{T.episode.burden}</h2>
      <EdizTrend ediz={episode.ediz} />
      <h2>{T.episode.plan}</h2>
      {!episode.planned.length ? <p class="muted">{T.episode.noPlan}</p> : (
        <ul class="list" data-testid="episode-plan">
          {episode.planned.map((c) => <li>{localDay(c.planned_for)} {formatTime(c.planned_for)} · {c.complaint}</li>)}
        </ul>
      )}
      {active && (
        <form onSubmit={plan} class="row end">
          <Field label={T.episode.when} type="datetime-local" value={when} onInput={setWhen} required />
          <Field label={T.episode.note} value={note} onInput={setNote} />
          <button class="secondary" type="submit">{T.episode.addVisit}</button>
        </form>
      )}
      <h2>{T.episode.visits}</h2>
      {!episode.visits.length ? <p class="muted">{T.episode.noVisits}</p> : (
        <ol class="list" data-testid="episode-visits">
          {episode.visits.map((v) => (
            <li>
              <strong>{localDay(v.arrived_at)} {formatTime(v.arrived_at)}</strong> · {v.nurse_name}{v.outcome_label ? ` · ${v.outcome_label}` : ''}
              <p>{v.summary}</p>
            </li>
          ))}
        </ol>
      )}
      <h2>{T.episode.calls}</h2>
      <ul class="list">
        {episode.calls.map((c) => <li>{localDay(c.created_at)} · {c.urgency} {V.categories[c.category] || c.category} · {V.staffStatuses[c.status]}</li>)}
      </ul>
      {active && manages && (
        <form onSubmit={close} class="stack">
          <h2>{T.episode.close}</h2>
          <p class="muted">{T.episode.closeHint}</p>
          <Select label={T.episode.handover} value={handoverId} onChange={setHandoverId} placeholder="—" required
            options={Object.fromEntries(handovers.map((h) => [h.id, `${h.recipient_name} · ${localDay(h.created_at)} ${formatTime(h.created_at)}`]))} />
          <button class="primary" type="submit" disabled={!handoverId}>{T.episode.close}</button>
        </form>
      )}
      {!active && <p data-testid="episode-closed"><strong>{T.episode.closed}</strong> {localDay(episode.closed_at)}</p>}
      {error && <Message kind="error">{error}</Message>}
    </section>
  );
}

/** Start an episode from a call (coordinator, team lead): case manager and the client's goals. */
export function StartEpisode({ call, nurses, onStarted }) {
  const [goals, setGoals] = useState('');
  const [manager, setManager] = useState('');
  const [error, setError] = useState('');
  async function start(e) {
    e.preventDefault();
    setError('');
    try {
      const episode = await api.post('/api/episodes', {
        client_id: call.client_id, call_id: call.id, case_manager_id: Number(manager),
        goals: goals.split('\n').map((g) => g.trim()).filter(Boolean),
      });
      onStarted(episode.id);
    } catch (err) {
      setError(errorText(err));
    }
  }
  const options = Object.fromEntries((nurses || []).map((n) => [String(n.id), n.name]));
  return (
    <form onSubmit={start} class="stack" data-testid="start-episode">
      <h3>{T.episode.start}</h3>
      <Select label={T.episode.caseManager} value={manager} onChange={setManager} options={options} placeholder="—" required />
      <TextArea label={`${T.episode.goals} — ${T.episode.goalsHint}`} value={goals} onInput={setGoals} rows={3} required />
      <button class="secondary" type="submit">{T.episode.start}</button>
      {error && <Message kind="error">{error}</Message>}
    </form>
  );
}

/** The visit's short EDIZ form for the main mantelzorger: nine statements, 0 (Nee!) to 4 (Ja!); via the outbox. */
export function EdizForm({ visit, call, client }) {
  const [contacts, setContacts] = useState(visit.contacts || null);
  const [contactId, setContactId] = useState('');
  const [answers, setAnswers] = useState(Array(9).fill(null));
  const [message, setMessage] = useState('');
  useEffect(() => {
    if (contacts || !navigator.onLine || !client?.id) return;
    api.get(`/api/clients/${client.id}/wishes`).then((w) => setContacts(w.contacts || [])).catch(() => setContacts([]));
  }, [client?.id]);
  const carers = (contacts || []).filter((c) => !c.removed_at);
  const main = carers.find((c) => c.is_mantelzorger) || carers[0];
  const chosen = contactId || main?.id || '';
  async function save(e) {
    e.preventDefault();
    if (answers.some((a) => a === null)) {
      setMessage(T.ediz.incomplete);
      return;
    }
    // The published scoring, as the server does it (backend/episodes/ediz.py): "min of meer" or more is a point.
    const score = answers.filter((a) => a >= 2).length;
    await enqueue({
      kind: 'ediz', method: 'POST', path: `/api/visits/${visit.id}/ediz`, body: { contact_id: chosen, answers },
      label: T.ediz.title, ref: { call_id: call.id, visit_id: visit.id },
    });
    setMessage(T.ediz.saved(score, score >= 7));
    setAnswers(Array(9).fill(null));
  }
  if (contacts && !carers.length) return <p class="muted">{T.ediz.noContact}</p>;
  return (
    <form onSubmit={save} class="stack ediz" data-testid="ediz-form">
      <h2>{T.ediz.title}</h2>
      <p class="muted">{T.ediz.intro}</p>
      {carers.length > 1 && (
        <Select label={T.ediz.contact} value={chosen} onChange={setContactId}
          options={Object.fromEntries(carers.map((c) => [c.id, `${c.name}${c.relation ? ` (${c.relation})` : ''}`]))} />
      )}
      {carers.length === 1 && <p><strong>{T.ediz.contact}:</strong> {main.name}</p>}
      {V.edizItems.map((item, i) => (
        <fieldset class="ediz-item">
          <legend>{i + 1}. {item}</legend>
          <div class="ediz-answers">
            {Object.entries(V.edizAnswers).map(([code, label]) => (
              <label>
                <input type="radio" name={`ediz-${i}`} value={code} checked={answers[i] === Number(code)}
                  onChange={() => setAnswers(answers.map((a, j) => (j === i ? Number(code) : a)))} />
                {label}
              </label>
            ))}
          </div>
        </fieldset>
      ))}
      <button class="big primary" type="submit" disabled={!chosen}>{T.ediz.save}</button>
      {message && <Message kind="info">{message}</Message>}
    </form>
  );
}
