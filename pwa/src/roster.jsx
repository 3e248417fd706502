// The team lead's week: shifts × nurses, gaps and broken rules highlighted, generate / adopt / pin.
// Self-contained (own texts and styles) so it can be mounted from the shell with one line:
//   import { RosterWeek } from './roster.jsx';  …  {user.role === 'team_lead' && <RosterWeek user={user} />}
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { Message, errorText } from './ui.jsx';
import { addDays, localDay, mondayOf } from './geo.js';

const HEAD_FMT = new Intl.DateTimeFormat('nl-NL', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' });

export const RT = {
  title: 'Rooster (avond, nacht, weekend)',
  prev: 'Vorige week',
  next: 'Volgende week',
  week: (from) => `Week van ${HEAD_FMT.format(new Date(`${from}T12:00:00Z`))}`,
  nurse: 'Verpleegkundige',
  coverage: 'Bezetting',
  generate: 'Maak voorstel voor deze week',
  generating: 'Rooster wordt berekend…',
  adopt: 'Voorstel overnemen',
  discard: 'Voorstel negeren',
  proposal: (n, gaps) => `Voorstel: ${n} diensten, ${gaps} ${gaps === 1 ? 'gat' : 'gaten'}.`,
  proposalInGrid: 'Het rooster hieronder toont het voorstel (gestippeld); een oranje streep markeert wat het verandert. Nog niets is overgenomen.',
  proposalProblems: 'Gaten in het voorstel',
  proposed: 'voorstel',
  changed: 'gewijzigd door het voorstel',
  adopted: 'Voorstel overgenomen.',
  staffed: (n, min) => `${n} van ${min}`,
  short: (what) => `tekort ${what}`,
  why: 'Waarom?',
  noProblems: 'Geen gaten en geen overtreden regels in deze week.',
  problems: 'Gaten (vanaf vandaag) en overtreden regels',
  pinned: 'vast',
  pin: (visible, name, shift) => `${visible} — ${name}: ${shift} vastzetten of losmaken`,
  gap: 'gat',
  none: 'Geen verpleegkundigen in dit team.',
  loading: 'Laden…',
  publish: 'Publiceer deze week',
  published: 'Week gepubliceerd: iedereen in het team krijgt een bericht.',
  unmet: 'Wensen die niet lukten',
  wishMet: 'wens gehaald',
  wishUnmet: 'wens niet gehaald',
  wishOpen: 'wens',
  wishLabel: { day_off: 'vrij', no_nights: 'geen nachten', preferred_shift: 'wil werken' },
  swaps: 'Ruilverzoeken',
  noSwaps: 'Geen openstaande ruilverzoeken.',
  swapLine: (shift, day, from, to) => `${shift} ${HEAD_FMT.format(new Date(`${day}T12:00:00Z`))}: ${from} → ${to || 'nog niemand'}`,
  swapStatus: { offered: 'aangeboden', taken: 'wacht op jouw akkoord' },
  approve: 'Ruil goedkeuren',
  refuse: 'Ruil afwijzen',
  swapBadge: 'ruil',
};


/** Index the week: assignments per nurse and day, counts per shift and day, problems per cell. */
export function buildGrid({ from, nurses, shiftTypes, assignments, problems, wishes = [], swaps = [] }) {
  const days = [...Array(7)].map((_, i) => addDays(from, i));
  const cells = {};
  const counts = {};
  for (const a of assignments) {
    (cells[`${a.nurse_id}|${a.day}`] ||= []).push(a);
    counts[`${a.shift}|${a.day}`] = (counts[`${a.shift}|${a.day}`] || 0) + 1;
  }
  const gaps = {};
  const broken = {};
  for (const p of problems) {
    if (p.kind === 'gap') (gaps[`${p.shift}|${localDay(p.start)}`] ||= []).push(p.message);
    else if (p.nurse_id) (broken[`${p.nurse_id}|${localDay(p.end)}`] ||= []).push(p.message);
  }
  const wished = {};
  for (const w of wishes) {
    // A week without nights shows on each day of the week; the other wishes on their day.
    const span = w.kind === 'no_nights' ? 7 : 1;
    for (let i = 0; i < span; i += 1) (wished[`${w.nurse_id}|${addDays(w.day, i)}`] ||= []).push(w);
  }
  const swapping = {};
  for (const sw of swaps) if (sw.status === 'offered' || sw.status === 'taken') swapping[sw.assignment_id] = sw;
  const rows = nurses.map((n) => ({
    nurse: n,
    cells: days.map((d) => ({
      day: d,
      items: (cells[`${n.id}|${d}`] || []).map((a) => ({ ...a, swap: swapping[a.id] })),
      broken: broken[`${n.id}|${d}`] || [],
      wishes: wished[`${n.id}|${d}`] || [],
    })),
  }));
  const coverage = shiftTypes.filter((t) => t.active !== false).map((t) => ({
    type: t,
    cells: days.map((d) => {
      const weekday = (new Date(`${d}T12:00:00Z`).getUTCDay() + 6) % 7;
      const runs = (t.weekdays || [0, 1, 2, 3, 4, 5, 6]).includes(weekday);
      return { day: d, runs, count: counts[`${t.code}|${d}`] || 0, min: t.min_staff, gaps: gaps[`${t.code}|${d}`] || [] };
    }),
  }));
  return { days, rows, coverage };
}

const CSS = `
.roster-wrap { overflow-x: auto; }
table.roster { border-collapse: collapse; width: 100%; }
table.roster th, table.roster td { border: 1px solid var(--line); padding: 4px 6px; vertical-align: top; text-align: left; }
.roster .gap { background: var(--danger-bg); outline: 2px solid var(--danger); }
.roster .broken { background: var(--warn-bg); }
.roster .off, .roster .past { color: var(--muted); }
.roster .shift { min-height: 44px; min-width: 44px; padding: 2px 8px; margin: 2px; font-weight: 600; }
.roster .shift.pinned { border-color: var(--primary); }
.roster .shift.proposed { display: inline-flex; align-items: center; border: 2px dashed var(--primary); border-radius: 10px; }
.roster .changed { box-shadow: inset 4px 0 0 var(--u3); }
.roster .wish { display: inline-block; font-size: 0.8em; padding: 0 4px; border-radius: 4px; border: 1px solid var(--line); }
.roster .wish.met { border-color: var(--ok, green); }
.roster .wish.unmet { border-color: var(--danger); background: var(--danger-bg); }
.roster .swap-badge { font-size: 0.8em; font-weight: 600; color: var(--primary); }
.roster-tools { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; margin: 8px 0; }
.roster-days { list-style: none; padding: 0; margin: 0; display: grid; gap: 10px; }
.roster-days > li { border: 1px solid var(--line); border-radius: 10px; padding: 8px; }
.roster-days h3 { margin: 0 0 4px; }
.roster-days .cover { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 8px; padding: 4px 6px; border-radius: 8px; margin: 4px 0; }
.roster-days .people { display: flex; flex-wrap: wrap; gap: 4px; }
.gap-list { list-style: none; padding: 0; } .gap-list > li { margin: 8px 0; } .gap-list ul { margin: 2px 0; padding-left: 1.2em; }
`;

/** A CSS media query as a boolean that follows the window (the phone layout of the grid). */
function useMedia(query) {
  const mq = typeof matchMedia === 'function' ? matchMedia(query) : null;
  const [hit, setHit] = useState(!!mq?.matches);
  useEffect(() => {
    if (!mq) return undefined;
    const on = () => setHit(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, [query]);
  return hit;
}

const dayLabel = (d) => HEAD_FMT.format(new Date(`${d}T12:00:00Z`));

/** What a coverage gap lacks, in a few words ("3 verpleegkundige(n), 1 × IV-therapie"), and why. */
function shortage(p) {
  if (p.missing?.length) {
    return { what: p.missing.map((m) => `${m.count} × ${m.label}`), why: p.missing.map((m) => m.reason).filter(Boolean) };
  }
  const m = /^.*?\d{2}:\d{2}–\d{2}:\d{2}:\s*(?:tekort aan\s*)?(.+?)\s+te weinig\.\s*(.*)$/.exec(p.message || '');
  return m ? { what: [m[1]], why: m[2] ? [m[2]] : [] } : { what: [p.message], why: [] };
}

/**
 * The gaps of a week, readable: per shift type one line per run of days that lack the same, with the reasons
 * once (a week of two shift types is at most 14 lines, not one per need per shift). Past shifts are left out.
 */
export function summariseGaps(problems, { now = Date.now(), names = {} } = {}) {
  const perShift = new Map();
  for (const p of problems) {
    if (p.kind && p.kind !== 'gap') continue;
    if (p.end && new Date(p.end).getTime() < now) continue;
    const day = p.day || localDay(p.start);
    const group = perShift.get(p.shift) || { shift: p.shift, name: names[p.shift] || p.shift, days: new Map(), why: new Set() };
    perShift.set(p.shift, group);
    const { what, why } = shortage(p);
    group.days.set(day, [...(group.days.get(day) || []), ...what]);
    why.forEach((w) => group.why.add(w));
  }
  return [...perShift.values()].map((g) => {
    const lines = new Map();
    for (const [day, what] of [...g.days.entries()].sort()) {
      const text = [...new Set(what)].join(', ');
      lines.set(text, [...(lines.get(text) || []), day]);
    }
    return { shift: g.shift, name: g.name, lines: [...lines.entries()].map(([text, days]) => ({ text, days })), why: [...g.why] };
  });
}

/** The solver's state in a sentence a team lead can act on. */
export function solverText(status, seconds) {
  const s = Number(seconds || 0).toLocaleString('nl-NL', { maximumFractionDigits: 1 });
  if (status === 'OPTIMAL') return `Dit is het beste rooster dat binnen de regels mogelijk is (berekend in ${s} s).`;
  if (status === 'FEASIBLE') return `Dit rooster houdt zich aan alle regels; de rekentijd (${s} s) was op, dus misschien kan het nog iets eerlijker.`;
  return `Berekend in ${s} s.`;
}

export function RosterWeek({ user, team = user.team, today = localDay(Date.now()) }) {
  const [from, setFrom] = useState(mondayOf(today));
  const [data, setData] = useState(null);
  const [proposal, setProposal] = useState(null);
  const [busy, setBusy] = useState('');
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const narrow = useMedia('(max-width: 719px)');
  const to = addDays(from, 7);

  async function load() {
    setError('');
    try {
      const q = `team=${team}&from=${from}&to=${to}`;
      const [nurses, shiftTypes, assignments, problems, wishes, swaps] = await Promise.all([
        api.get(`/api/roster/nurses?team=${team}`),
        api.get(`/api/roster/shift-types?team=${team}`),
        api.get(`/api/roster/assignments?${q}`),
        api.get(`/api/roster/check?${q}`),
        api.get(`/api/roster/wishes?${q}`),
        api.get(`/api/roster/swaps?team=${team}`),
      ]);
      setData({ nurses, shiftTypes, assignments, problems, wishes, swaps });
    } catch (e) {
      setError(errorText(e));
    }
  }
  useEffect(() => {
    setProposal(null);
    load();
  }, [from, team]);

  async function generate() {
    setBusy(RT.generating);
    setError('');
    try {
      setProposal(await api.post('/api/roster/generate', { team, start_date: from, end_date: addDays(from, 6) }));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy('');
    }
  }
  async function adopt() {
    setError('');
    try {
      await api.post(`/api/roster/proposals/${proposal.id}/adopt`);
      setProposal(null);
      setNotice(RT.adopted);
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  }
  async function publish() {
    setError('');
    setNotice('');
    try {
      await api.post('/api/roster/publications', { team, start_date: from, end_date: addDays(from, 6) });
      setNotice(RT.published);
    } catch (e) {
      setError(errorText(e));
    }
  }
  async function decide(swap, action) {
    setError('');
    try {
      await api.post(`/api/roster/swaps/${swap.id}/${action}`);
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  }
  async function togglePin(a) {
    try {
      await api.patch(`/api/roster/assignments/${a.id}`, { pinned: !a.pinned });
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  }

  // A proposal is shown in the grid itself (dashed, with what it changes) before the team lead adopts it.
  const shown = data && (proposal
    ? { ...data, assignments: proposal.assignments, problems: [...proposal.unfilled.map((g) => ({ ...g, kind: 'gap' })), ...(proposal.violations || [])] }
    : data);
  const grid = shown && buildGrid({ from, ...shown });
  const adopted = data && proposal && buildGrid({ from, ...data, problems: [] });
  const names = Object.fromEntries((data?.shiftTypes || []).map((t) => [t.code, t.name]));
  const short = (code) => (names[code] || code).slice(0, 1).toUpperCase();
  const now = Date.now();
  const todayNow = localDay(now);
  const was = (ri, ci) => (adopted ? adopted.rows[ri].cells[ci].items.map((a) => a.shift).sort().join(',') : null);
  const view = { grid, names, short, proposal, todayNow, togglePin, was };
  const gaps = shown ? summariseGaps(shown.problems, { now, names }) : [];
  const rules = shown ? [...new Set(shown.problems.filter((p) => p.kind === 'rule').map((p) => p.message))] : [];
  return (
    <section class="card" aria-labelledby="roster-h" data-testid="roster-week">
      <style>{CSS}</style>
      <h1 id="roster-h">{RT.title}</h1>
      <div class="roster-tools">
        <button class="secondary" onClick={() => setFrom(addDays(from, -7))}>{RT.prev}</button>
        <strong aria-live="polite">{RT.week(from)}</strong>
        <button class="secondary" onClick={() => setFrom(addDays(from, 7))}>{RT.next}</button>
        <button class="primary" onClick={generate} disabled={!!busy}>{RT.generate}</button>
        <button class="secondary" onClick={publish} disabled={!!busy || !!proposal}>{RT.publish}</button>
      </div>
      {busy && <Message>{busy}</Message>}
      {notice && <Message>{notice}</Message>}
      {error && <Message kind="error">{error}</Message>}
      {proposal && (
        <div class="msg msg-info" data-testid="roster-proposal">
          <p><strong>{RT.proposal(proposal.assignments.length, proposal.unfilled.length)}</strong> {solverText(proposal.solver_status, proposal.solve_seconds)}</p>
          <p>{RT.proposalInGrid}</p>
          {proposal.unmet_wishes?.length > 0 && (
            <>
              <p>{RT.unmet}</p>
              <ul data-testid="roster-unmet">{proposal.unmet_wishes.map((w) => <li>{dayLabel(w.day)}: {w.message}</li>)}</ul>
            </>
          )}
          <button class="primary" onClick={adopt}>{RT.adopt}</button>{' '}
          <button class="ghost" onClick={() => setProposal(null)}>{RT.discard}</button>
        </div>
      )}
      {!grid ? <p>{RT.loading}</p> : (
        <>
          {narrow ? <RosterDays {...view} /> : <RosterTable {...view} />}
          {!proposal && (
            <>
              <h2>{RT.swaps}</h2>
              <SwapList swaps={data.swaps} nurses={data.nurses} names={names} onDecide={decide} />
            </>
          )}
          <h2>{proposal ? RT.proposalProblems : RT.problems}</h2>
          {!gaps.length && !rules.length ? <p class="muted">{RT.noProblems}</p> : (
            <ul class="gap-list" data-testid="roster-problems">
              {gaps.map((g) => (
                <li class="gap-group" data-shift={g.shift}>
                  <strong>{g.name}</strong>
                  <ul>{g.lines.map((l) => <li>{l.days.map(dayLabel).join(', ')}: {RT.short(l.text)}</li>)}</ul>
                  {g.why.length > 0 && <details><summary>{RT.why}</summary><ul>{g.why.map((w) => <li>{w}</li>)}</ul></details>}
                </li>
              ))}
              {rules.map((m) => <li class="rule">{m}</li>)}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function ShiftItems({ items, nurse, names, short, proposal, togglePin }) {
  return items.map((a) => {
    const visible = `${short(a.shift)}${a.pinned ? ` · ${RT.pinned}` : ''}`;
    const full = names[a.shift] || a.shift;
    return (
      <>
        {proposal ? (
          <span class="shift proposed" title={`${RT.proposed}: ${full}`}>{visible}<span class="sr-only"> ({RT.proposed}: {full})</span></span>
        ) : (
          <button class={`shift ${a.pinned ? 'pinned' : ''}`} onClick={() => togglePin(a)} aria-pressed={a.pinned ? 'true' : 'false'}
            aria-label={RT.pin(visible, nurse.name, full)} title={full}>{visible}</button>
        )}
        {a.swap && <span class="swap-badge" title={RT.swapStatus[a.swap.status]}>{RT.swapBadge}</span>}
      </>
    );
  });
}

function Wishes({ wishes, names }) {
  return wishes.map((w) => {
    const state = w.met === true ? 'met' : w.met === false ? 'unmet' : 'open';
    const word = state === 'met' ? RT.wishMet : state === 'unmet' ? RT.wishUnmet : RT.wishOpen;
    return (
      <span class={`wish ${state}`} data-testid="roster-wish" data-state={state}
        title={`${word}: ${RT.wishLabel[w.kind]}${w.shift ? ` (${names[w.shift] || w.shift})` : ''}`}>
        {RT.wishLabel[w.kind]} {state === 'met' ? '✓' : state === 'unmet' ? '✗' : '?'}
        <span class="sr-only"> {word}</span>
      </span>
    );
  });
}

function coverClass(c, todayNow) {
  if (!c.runs) return 'off';
  if (c.day < todayNow) return 'past';
  return c.gaps.length ? 'gap' : '';
}

/** Wide screens: nurses × days. */
function RosterTable({ grid, names, short, proposal, todayNow, togglePin, was }) {
  return (
    <div class="roster-wrap">
      <table class="roster" data-testid="roster-grid" data-mode={proposal ? 'proposal' : 'adopted'}>
        <thead>
          <tr>
            <th scope="col">{RT.nurse}</th>
            {grid.days.map((d) => <th scope="col">{dayLabel(d)}</th>)}
          </tr>
        </thead>
        <tbody>
          {grid.coverage.map((row) => (
            <tr data-shift={row.type.code}>
              <th scope="row">{RT.coverage}: {row.type.name} ({row.type.start_time}–{row.type.end_time})</th>
              {row.cells.map((c) => (
                <td class={coverClass(c, todayNow)} data-day={c.day} title={c.gaps.join('\n')}>
                  {c.runs ? `${c.count}/${c.min}` : '–'}
                  {c.gaps.length > 0 && c.day >= todayNow && <span class="sr-only"> {RT.gap}</span>}
                </td>
              ))}
            </tr>
          ))}
          {!grid.rows.length && <tr><td colSpan={8}>{RT.none}</td></tr>}
          {grid.rows.map((row, ri) => (
            <tr data-nurse={row.nurse.id}>
              <th scope="row">{row.nurse.name} <small class="muted">{row.nurse.contract_hours} u</small></th>
              {row.cells.map((c, ci) => {
                const before = was(ri, ci);
                const changed = before !== null && before !== c.items.map((a) => a.shift).sort().join(',');
                return (
                  <td class={`${c.broken.length ? 'broken' : ''} ${changed ? 'changed' : ''}`} data-day={c.day} title={c.broken.join('\n')}>
                    <ShiftItems items={c.items} nurse={row.nurse} names={names} short={short} proposal={proposal} togglePin={togglePin} />
                    {changed && <span class="sr-only"> {RT.changed}</span>}
                    <Wishes wishes={c.wishes} names={names} />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A phone: one card per day — per shift its coverage and who works it; no sideways scroll, 44 px targets. */
function RosterDays({ grid, names, short, proposal, todayNow, togglePin }) {
  return (
    <ol class="roster roster-days" data-testid="roster-grid" data-mode={proposal ? 'proposal' : 'adopted'}>
      {grid.days.map((d, i) => (
        <li data-day={d} class={d < todayNow ? 'past' : ''}>
          <h3>{dayLabel(d)}</h3>
          {grid.coverage.map((row) => {
            const c = row.cells[i];
            if (!c.runs) return null;
            const people = grid.rows.map((r) => ({ nurse: r.nurse, items: r.cells[i].items.filter((a) => a.shift === row.type.code), broken: r.cells[i].broken }))
              .filter((p) => p.items.length);
            return (
              <div data-shift={row.type.code}>
                <p class={`cover ${coverClass(c, todayNow)}`}>
                  <strong>{row.type.name}</strong> <span>{row.type.start_time}–{row.type.end_time}</span>
                  <span>{RT.staffed(c.count, c.min)}</span>
                  {c.gaps.length > 0 && d >= todayNow && <span>· {RT.gap}</span>}
                </p>
                <div class="people">
                  {people.map((p) => (
                    <span class={p.broken.length ? 'broken' : ''} title={p.broken.join('\n')}>
                      {p.nurse.name.split(' ')[0]}{' '}
                      <ShiftItems items={p.items} nurse={p.nurse} names={names} short={short} proposal={proposal} togglePin={togglePin} />
                    </span>
                  ))}
                </div>
              </div>
            );
          })}
          {grid.rows.some((r) => r.cells[i].wishes.length) && (
            <p class="people">
              {grid.rows.filter((r) => r.cells[i].wishes.length).map((r) => (
                <span>{r.nurse.name.split(' ')[0]}: <Wishes wishes={r.cells[i].wishes} names={names} /></span>
              ))}
            </p>
          )}
        </li>
      ))}
    </ol>
  );
}

function SwapList({ swaps, nurses, names, onDecide }) {
  const open = swaps.filter((s) => s.status === 'offered' || s.status === 'taken');
  if (!open.length) return <p class="muted">{RT.noSwaps}</p>;
  const name = Object.fromEntries(nurses.map((n) => [n.id, n.name]));
  return (
    <ul data-testid="roster-swaps">
      {open.map((s) => (
        <li data-swap={s.id}>
          {RT.swapLine(names[s.shift] || s.shift, s.day, name[s.from_nurse_id], name[s.to_nurse_id])} — {RT.swapStatus[s.status]}{' '}
          {s.status === 'taken' && (
            <>
              <button class="primary" onClick={() => onDecide(s, 'approve')}>{RT.approve}</button>{' '}
              <button class="ghost" onClick={() => onDecide(s, 'refuse')}>{RT.refuse}</button>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
