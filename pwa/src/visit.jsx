// Recording the visit: vitals (NEWS2 as you type), report, SBAR handover and the outcome — all into the outbox.
import { useState } from 'preact/hooks';
import { T, coded } from './texts.js';
import V from './vocab.json';
import { ConsultPanel } from './consult.jsx';
import { uuid } from './api.js';
import { get } from './db.js';
import { enqueue } from './outbox.js';
import { forgetCall, hasPendingWork } from './sync.js';
import { news2 } from './news2.js';
import { formatTime } from './geo.js';
import { Field, TextArea, Select, Check, Message, UrgencyBadge, useDevice, lazy } from './ui.jsx';
import { EdizForm, EpisodeBox } from './episode.jsx';

// Asked for only when the nurse picks a temporary stay: the region's chunk stays out of her first load.
const PlacementRequest = lazy(() => import('./region.jsx').then((m) => m.PlacementRequest));

const TABS = ['vitals', 'report', 'carer', 'handover', 'finish'];

export function VisitView({ call, visit, client }) {
  const [tab, setTab] = useState(visit.completed ? 'finish' : 'vitals');
  const [flash, setFlash] = useState('');
  const say = (m) => {
    setFlash(m);
    setTimeout(() => setFlash(''), 4000);
  };
  return (
    <section class="stack" aria-labelledby="visit-h">
      <h1 id="visit-h">{T.visit.title}: {client?.name || ''}</h1>
      <p><UrgencyBadge urgency={call.urgency} /> {V.categories[call.category] || call.category}</p>
      <ConsultPanel visit={visit} call={call} />
      <EpisodeBox clientId={call.client_id} />
      <div class="tabs" role="tablist" aria-label={T.visit.title}>
        {TABS.map((t) => (
          <button role="tab" id={`tab-${t}`} aria-selected={tab === t} aria-controls={`panel-${t}`} class={tab === t ? 'on' : ''}
            onClick={() => setTab(t)}>{t === 'carer' ? T.ediz.tab : T.visit[t]}</button>
        ))}
      </div>
      <div role="status" aria-live="polite" class="flash">{flash}</div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'vitals' && <Vitals visit={visit} call={call} onSaved={() => say(T.visit.vitalsSaved)} />}
        {tab === 'report' && <Report visit={visit} call={call} onSaved={() => say(T.visit.reportSaved)} />}
        {tab === 'carer' && <EdizForm visit={visit} call={call} client={client} />}
        {tab === 'handover' && <Handover visit={visit} call={call} client={client} onSaved={() => { say(T.handover.saved); setTab('finish'); }} />}
        {tab === 'finish' && <Finish visit={visit} call={call} />}
      </div>
    </section>
  );
}

// "S — Situatie", "B — Achtergrond", …: the SBAR letters with the vocabulary's labels.
const SBAR = coded(V.sbar, (part) => part[0].toUpperCase());
const EMPTY_VITALS = { resp_rate: '', spo2: '', on_oxygen: false, systolic_bp: '', heart_rate: '', consciousness: 'A', temperature: '', glucose: '', pain: '' };

function Vitals({ visit, call, onSaved }) {
  const [v, setV] = useState(EMPTY_VITALS);
  const set = (k) => (x) => setV({ ...v, [k]: x });
  const score = news2(v);
  async function save(e) {
    e.preventDefault();
    if (!score) return;
    const num = (x) => (x === '' ? undefined : Number(x));
    const body = {
      measured_at: new Date().toISOString(), resp_rate: num(v.resp_rate), spo2: num(v.spo2), on_oxygen: v.on_oxygen,
      systolic_bp: num(v.systolic_bp), heart_rate: num(v.heart_rate), consciousness: v.consciousness, temperature: num(v.temperature),
    };
    if (v.glucose !== '') body.glucose = num(v.glucose);
    if (v.pain !== '') body.pain = num(v.pain);
    const local_id = uuid();
    body.id = local_id;
    const fresh = await get('visits', visit.id);
    await enqueue({
      kind: 'vitals', method: 'POST', path: `/api/visits/${visit.id}/vitals`, body,
      label: `${T.visit.vitals} ${formatTime(body.measured_at)}`, ref: { call_id: call.id, visit_id: visit.id, local_id },
    }, ['visits', { ...fresh, vitals: [...(fresh.vitals || []), { ...body, local_id, news2: score, sent: false }] }]);
    setV(EMPTY_VITALS);
    onSaved();
  }
  return (
    <form onSubmit={save} class="stack">
      <div class={`news2 band-${score ? score.band : 'none'}`} aria-live="polite" data-testid="news2">
        {score ? <><strong>{T.visit.news2} {score.score}</strong> — {V.news2Bands[score.band]}<span class="advice">{T.visit.bandAdvice[score.band]}</span></> : T.visit.news2Incomplete}
      </div>
      <div class="grid2">
        <Field label={T.visit.resp_rate} type="number" inputMode="numeric" min="3" max="70" value={v.resp_rate} onInput={set('resp_rate')} required />
        <Field label={T.visit.spo2} type="number" inputMode="numeric" min="50" max="100" value={v.spo2} onInput={set('spo2')} required />
        <Field label={T.visit.systolic_bp} type="number" inputMode="numeric" min="40" max="300" value={v.systolic_bp} onInput={set('systolic_bp')} required />
        <Field label={T.visit.heart_rate} type="number" inputMode="numeric" min="20" max="250" value={v.heart_rate} onInput={set('heart_rate')} required />
        <Field label={T.visit.temperature} type="number" inputMode="decimal" step="0.1" min="25" max="45" value={v.temperature} onInput={set('temperature')} required />
        <Select label={T.visit.consciousness} value={v.consciousness} onChange={set('consciousness')} options={coded(V.consciousness)} />
        <Field label={T.visit.glucose} type="number" inputMode="decimal" step="0.1" min="0.5" max="60" value={v.glucose} onInput={set('glucose')} />
        <Field label={T.visit.pain} type="number" inputMode="numeric" min="0" max="10" value={v.pain} onInput={set('pain')} />
      </div>
      <Check label={T.visit.on_oxygen} checked={v.on_oxygen} onChange={set('on_oxygen')} />
      <button class="big primary" type="submit" disabled={!score}>{T.visit.saveVitals}</button>
      {(visit.vitals || []).length > 0 && (
        <div>
          <h2>{T.visit.historyTitle}</h2>
          <ul class="list" data-testid="vitals-list">
            {visit.vitals.map((x) => (
              <li>
                {formatTime(x.measured_at)} · {T.visit.news2} {x.news2?.score ?? '?'} · {T.vitalsShort(x)}
                {!x.sent && <em class="unsent"> — {T.visit.notSent}</em>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}

// The call's category suggests the kind of actions; the nurse can change it.
const ACTION_FOR_CATEGORY = {
  catheter: 'catheter', wound_care: 'wound_care', medication: 'medication', iv_therapy: 'iv_therapy', feeding_tube: 'feeding_tube',
  obstipation: 'bowel_care', pain_management: 'comfort', palliative: 'comfort', fall_assessment: 'mobility', pg_crisis: 'psychosocial',
};

function Report({ visit, call, onSaved }) {
  const [category, setCategory] = useState((visit.actions || [])[0]?.category || ACTION_FOR_CATEGORY[call.category] || 'assessment');
  const [actions, setActions] = useState((visit.actions || []).map((a) => a.action).join('\n'));
  const [findings, setFindings] = useState(visit.actions_note || '');
  const [clientInformed, setClientInformed] = useState(visit.client_informed ?? false);
  const [carerInformed, setCarerInformed] = useState(visit.mantelzorger_informed ?? false);
  async function save(e) {
    e.preventDefault();
    const lines = actions.split('\n').map((x) => x.trim()).filter(Boolean);
    const body = {
      actions: lines.map((action) => ({ category, action })), actions_note: findings || null,
      client_informed: clientInformed, mantelzorger_informed: carerInformed,
    };
    const fresh = await get('visits', visit.id);
    await enqueue({
      kind: 'visit_patch', method: 'PATCH', path: `/api/visits/${visit.id}`, body,
      label: T.visit.report, ref: { call_id: call.id, visit_id: visit.id },
    }, ['visits', { ...fresh, ...body }]);
    onSaved();
  }
  return (
    <form onSubmit={save} class="stack">
      <Select label={T.visit.actionCategory} value={category} onChange={setCategory} options={V.actionCategories} />
      <TextArea label={T.visit.actions} value={actions} onInput={setActions} rows={4} />
      <TextArea label={T.visit.findings} value={findings} onInput={setFindings} rows={4} />
      <Check label={T.visit.clientInformed} checked={clientInformed} onChange={setClientInformed} />
      <Check label={T.visit.mantelzorgerInformed} checked={carerInformed} onChange={setCarerInformed} />
      <button class="big primary" type="submit">{T.visit.saveReport}</button>
    </form>
  );
}

/** The handover's assessment from the last vitals: NEWS2, its band and the band's clinical response, the values. */
function handoverAssessment(x) {
  const band = x.news2?.band;
  const head = `${T.visit.news2} ${x.news2?.score ?? '?'}${band ? ` (${V.news2Bands[band]}): ${T.visit.bandAdvice[band]}` : ''}`;
  return `${head}.\n${T.vitalsShort(x)}`;
}

function Handover({ visit, call, client, onSaved }) {
  const last = (visit.vitals || []).at(-1);
  const [h, setH] = useState(visit.handover || {
    recipient_type: 'home_care', recipient_name: client?.gp_name || '',
    situation: `${V.categories[call.category] || call.category}: ${call.complaint || ''}`.trim(),
    background: '', assessment: last ? handoverAssessment(last) : '', recommendation: '',
  });
  const set = (k) => (x) => setH({ ...h, [k]: x });
  if (visit.handover) {
    return <Message>{visit.handoverSent ? T.handover.sent : T.handover.saved}</Message>;
  }
  async function save(e) {
    e.preventDefault();
    const body = { id: uuid(), visit_id: visit.id, ...h };
    const fresh = await get('visits', visit.id);
    await enqueue({ kind: 'handover', method: 'POST', path: '/api/handovers', body, label: T.handover.title, ref: { call_id: call.id, visit_id: visit.id } },
      ['visits', { ...fresh, handover: h }]);
    onSaved();
  }
  return (
    <form onSubmit={save} class="stack">
      <h2>{T.handover.title}</h2>
      <Select label={T.handover.recipientType} value={h.recipient_type} onChange={set('recipient_type')} options={V.recipientTypes} />
      {last?.news2?.band && (
        <p class={`news2 band-${last.news2.band}`} data-testid="handover-advice">
          <strong>{T.visit.news2} {last.news2.score}</strong> — {V.news2Bands[last.news2.band]}: {T.visit.bandAdvice[last.news2.band]}
        </p>
      )}
      <Field label={T.handover.recipientName} value={h.recipient_name} onInput={set('recipient_name')} required />
      {Object.entries(SBAR).map(([part, label]) => (
        <TextArea label={label} value={h[part]} onInput={set(part)} required />
      ))}
      <button class="big primary" type="submit">{T.handover.save}</button>
    </form>
  );
}

function Finish({ visit, call }) {
  const [outcome, setOutcome] = useState(visit.outcome || '');
  const [referral, setReferral] = useState('');
  const [stay, setStay] = useState('');
  const [followUp, setFollowUp] = useState('');
  const [confirming, setConfirming] = useState(null);
  const pendingHere = useDevice(() => hasPendingWork(call.id), [call.id, visit.completedSent]);
  if (visit.completed) {
    return (
      <div class="stack">
        <Message>{T.visit.completed} — {V.outcomes[visit.outcome]}</Message>
        {!pendingHere && visit.completedSent && <button class="big secondary" onClick={() => forgetCall(call.id)}>{T.ok}</button>}
      </div>
    );
  }
  async function save(e) {
    e.preventDefault();
    const missing = [];
    if (!(visit.vitals || []).length) missing.push(T.visit.missingVitals);
    if (!visit.handover) missing.push(T.visit.missingHandover);
    if (missing.length && !confirming) {
      setConfirming(missing); // asked on the screen, not in a browser dialog
      return;
    }
    const body = { outcome, departed_at: new Date().toISOString() };
    if (V.referralOutcomes.includes(outcome)) body.referral_question = referral;
    if (outcome === 'temporary_stay') body.outcome_detail = stay;
    if (outcome === 'follow_up_visit' && followUp) body.follow_up_at = new Date(followUp).toISOString();
    if (outcome === 'follow_up_visit' && referral.trim()) body.referral_question = referral; // what the next visit is for
    const fresh = await get('visits', visit.id);
    const held = await get('calls', call.id);
    await enqueue({ kind: 'complete', method: 'POST', path: `/api/visits/${visit.id}/complete`, body, label: T.visit.complete, ref: { call_id: call.id, visit_id: visit.id } },
      ['visits', { ...fresh, outcome, completed: true }],
      ['calls', { ...held, status: 'completed', localStatus: true, localStatusAt: Date.now() }]);
  }
  return (
    <form onSubmit={save} class="stack">
      <Select label={T.visit.outcome} value={outcome} onChange={setOutcome} options={V.outcomes} placeholder="—" required />
      {outcome === 'temporary_stay' && <Select label={T.visit.outcomeDetail} value={stay} onChange={setStay} options={V.temporaryStays} placeholder="—" required />}
      {outcome === 'temporary_stay' && <PlacementRequest clientId={call.client_id} visitId={visit.id} />}
      {V.referralOutcomes.includes(outcome) && <TextArea label={T.visit.referral} value={referral} onInput={setReferral} required />}
      {outcome === 'follow_up_visit' && <Field label={T.visit.followUpAt} type="datetime-local" value={followUp} onInput={setFollowUp} />}
      {outcome === 'follow_up_visit' && <TextArea label={T.planned.question} value={referral} onInput={setReferral} />}
      {confirming && <Message kind="warn">{T.visit.confirmIncomplete(confirming)}</Message>}
      <button class="big primary" type="submit" disabled={!outcome}>{confirming ? T.visit.completeAnyway : T.visit.complete}</button>
    </form>
  );
}
