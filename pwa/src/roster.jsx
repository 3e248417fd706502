// The team lead's week: shifts × nurses, gaps and broken rules highlighted, generate / adopt / pin.
// Self-contained (own texts and styles) so it can be mounted from the shell with one line:
//   import { RosterWeek } from './roster.jsx';  …  {user.role === 'team_lead' && <RosterWeek user={user} />}
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { Message, errorText } from './ui.jsx';

const TZ = 'Europe/Amsterdam';
const DAY_FMT = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });
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
  solver: (status, s) => `Rekenstatus ${status}, ${Number(s).toFixed(1)} s.`,
  noProblems: 'Geen gaten en geen overtreden regels in deze week.',
  problems: 'Gaten en overtreden regels',
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

/** The Amsterdam calendar day (YYYY-MM-DD) of a moment. */
export function localDay(moment) {
  return DAY_FMT.format(new Date(moment));
}

/** Add days to a YYYY-MM-DD day. */
export function addDays(day, n) {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The Monday of the week holding this day. */
export function mondayOf(day) {
  const weekday = (new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

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
table.roster { border-collapse: collapse; width: 100%; min-width: 720px; }
table.roster th, table.roster td { border: 1px solid var(--line); padding: 4px 6px; vertical-align: top; text-align: left; }
table.roster td.gap { background: var(--danger-bg); outline: 2px solid var(--danger); }
table.roster td.broken { background: var(--warn-bg); }
table.roster td.off { color: var(--muted); }
table.roster .shift { min-height: 36px; min-width: 36px; padding: 2px 8px; margin: 2px; font-weight: 600; }
table.roster .shift.pinned { border-color: var(--primary); }
table.roster .wish { display: inline-block; font-size: 0.8em; padding: 0 4px; border-radius: 4px; border: 1px solid var(--line); }
table.roster .wish.met { border-color: var(--ok, green); }
table.roster .wish.unmet { border-color: var(--danger); background: var(--danger-bg); }
table.roster .swap-badge { font-size: 0.8em; font-weight: 600; color: var(--primary); }
.roster-tools { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; margin: 8px 0; }
`;

export function RosterWeek({ user, team = user.team, today = localDay(Date.now()) }) {
  const [from, setFrom] = useState(mondayOf(today));
  const [data, setData] = useState(null);
  const [proposal, setProposal] = useState(null);
  const [busy, setBusy] = useState('');
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
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

  const grid = data && buildGrid({ from, ...data });
  const names = Object.fromEntries((data?.shiftTypes || []).map((t) => [t.code, t.name]));
  const short = (code) => (names[code] || code).slice(0, 1).toUpperCase();
  return (
    <section class="card" aria-labelledby="roster-h" data-testid="roster-week">
      <style>{CSS}</style>
      <h1 id="roster-h">{RT.title}</h1>
      <div class="roster-tools">
        <button class="secondary" onClick={() => setFrom(addDays(from, -7))}>{RT.prev}</button>
        <strong aria-live="polite">{RT.week(from)}</strong>
        <button class="secondary" onClick={() => setFrom(addDays(from, 7))}>{RT.next}</button>
        <button class="primary" onClick={generate} disabled={!!busy}>{RT.generate}</button>
        <button class="secondary" onClick={publish} disabled={!!busy}>{RT.publish}</button>
      </div>
      {busy && <Message>{busy}</Message>}
      {notice && <Message>{notice}</Message>}
      {error && <Message kind="error">{error}</Message>}
      {proposal && (
        <div class="msg msg-info" data-testid="roster-proposal">
          <p>{RT.proposal(proposal.assignments.length, proposal.unfilled.length)} {RT.solver(proposal.solver_status, proposal.solve_seconds)}</p>
          {proposal.unfilled.length > 0 && <ul>{proposal.unfilled.map((g) => <li>{g.message}</li>)}</ul>}
          {proposal.unmet_wishes?.length > 0 && (
            <>
              <p>{RT.unmet}</p>
              <ul data-testid="roster-unmet">{proposal.unmet_wishes.map((w) => <li>{w.day}: {w.message}</li>)}</ul>
            </>
          )}
          <button class="primary" onClick={adopt}>{RT.adopt}</button>{' '}
          <button class="ghost" onClick={() => setProposal(null)}>{RT.discard}</button>
        </div>
      )}
      {!grid ? <p>{RT.loading}</p> : (
        <>
          <div class="roster-wrap">
            <table class="roster" data-testid="roster-grid">
              <thead>
                <tr>
                  <th scope="col">{RT.nurse}</th>
                  {grid.days.map((d) => <th scope="col">{HEAD_FMT.format(new Date(`${d}T12:00:00Z`))}</th>)}
                </tr>
              </thead>
              <tbody>
                {grid.coverage.map((row) => (
                  <tr data-shift={row.type.code}>
                    <th scope="row">{RT.coverage}: {row.type.name} ({row.type.start_time}–{row.type.end_time})</th>
                    {row.cells.map((c) => (
                      <td class={!c.runs ? 'off' : c.gaps.length ? 'gap' : ''} data-day={c.day} title={c.gaps.join('\n')}>
                        {c.runs ? `${c.count}/${c.min}` : '–'}
                        {c.gaps.length > 0 && <span class="sr-only"> {RT.gap}: {c.gaps.join(' ')}</span>}
                      </td>
                    ))}
                  </tr>
                ))}
                {!grid.rows.length && <tr><td colSpan={8}>{RT.none}</td></tr>}
                {grid.rows.map((row) => (
                  <tr data-nurse={row.nurse.id}>
                    <th scope="row">{row.nurse.name} <small class="muted">{row.nurse.contract_hours} u</small></th>
                    {row.cells.map((c) => (
                      <td class={c.broken.length ? 'broken' : ''} data-day={c.day} title={c.broken.join('\n')}>
                        {c.items.map((a) => (
                          <>
                            <button class={`shift ${a.pinned ? 'pinned' : ''}`} onClick={() => togglePin(a)}
                              aria-pressed={a.pinned ? 'true' : 'false'}
                              aria-label={RT.pin(`${short(a.shift)}${a.pinned ? ` · ${RT.pinned}` : ''}`, row.nurse.name, names[a.shift] || a.shift)}
                              title={names[a.shift] || a.shift}>
                              {short(a.shift)}{a.pinned ? ` · ${RT.pinned}` : ''}
                            </button>
                            {a.swap && <span class="swap-badge" title={RT.swapStatus[a.swap.status]}>{RT.swapBadge}</span>}
                          </>
                        ))}
                        {c.wishes.map((w) => {
                          const state = w.met === true ? 'met' : w.met === false ? 'unmet' : 'open';
                          const word = state === 'met' ? RT.wishMet : state === 'unmet' ? RT.wishUnmet : RT.wishOpen;
                          return (
                            <span class={`wish ${state}`} data-testid="roster-wish" data-state={state}
                              title={`${word}: ${RT.wishLabel[w.kind]}${w.shift ? ` (${names[w.shift] || w.shift})` : ''}`}>
                              {RT.wishLabel[w.kind]} {state === 'met' ? '✓' : state === 'unmet' ? '✗' : '?'}
                              <span class="sr-only"> {word}</span>
                            </span>
                          );
                        })}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>{RT.swaps}</h2>
          <SwapList swaps={data.swaps} nurses={data.nurses} names={names} onDecide={decide} />
          <h2>{RT.problems}</h2>
          {!data.problems.length ? <p class="muted">{RT.noProblems}</p> : (
            <ul data-testid="roster-problems">{data.problems.map((p) => <li class={p.kind}>{p.message}</li>)}</ul>
          )}
        </>
      )}
    </section>
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
