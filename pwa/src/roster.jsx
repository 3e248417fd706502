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
  pin: (name, shift) => `${name}: ${shift} vastzetten of losmaken`,
  gap: 'gat',
  none: 'Geen verpleegkundigen in dit team.',
  loading: 'Laden…',
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
export function buildGrid({ from, nurses, shiftTypes, assignments, problems }) {
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
  const rows = nurses.map((n) => ({
    nurse: n,
    cells: days.map((d) => ({ day: d, items: cells[`${n.id}|${d}`] || [], broken: broken[`${n.id}|${d}`] || [] })),
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
.roster-tools { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; margin: 8px 0; }
`;

export function RosterWeek({ user, team = user.team, today = localDay(Date.now()) }) {
  const [from, setFrom] = useState(mondayOf(today));
  const [data, setData] = useState(null);
  const [proposal, setProposal] = useState(null);
  const [busy, setBusy] = useState('');
  const [error, setError] = useState('');
  const to = addDays(from, 7);

  async function load() {
    setError('');
    try {
      const q = `team=${team}&from=${from}&to=${to}`;
      const [nurses, shiftTypes, assignments, problems] = await Promise.all([
        api.get(`/api/roster/nurses?team=${team}`),
        api.get(`/api/roster/shift-types?team=${team}`),
        api.get(`/api/roster/assignments?${q}`),
        api.get(`/api/roster/check?${q}`),
      ]);
      setData({ nurses, shiftTypes, assignments, problems });
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
      </div>
      {busy && <Message>{busy}</Message>}
      {error && <Message kind="error">{error}</Message>}
      {proposal && (
        <div class="msg msg-info" data-testid="roster-proposal">
          <p>{RT.proposal(proposal.assignments.length, proposal.unfilled.length)} {RT.solver(proposal.solver_status, proposal.solve_seconds)}</p>
          {proposal.unfilled.length > 0 && <ul>{proposal.unfilled.map((g) => <li>{g.message}</li>)}</ul>}
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
                          <button class={`shift ${a.pinned ? 'pinned' : ''}`} onClick={() => togglePin(a)}
                            aria-pressed={a.pinned ? 'true' : 'false'} aria-label={RT.pin(row.nurse.name, names[a.shift] || a.shift)}
                            title={names[a.shift] || a.shift}>
                            {short(a.shift)}{a.pinned ? ` · ${RT.pinned}` : ''}
                          </button>
                        ))}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>{RT.problems}</h2>
          {!data.problems.length ? <p class="muted">{RT.noProblems}</p> : (
            <ul data-testid="roster-problems">{data.problems.map((p) => <li class={p.kind}>{p.message}</li>)}</ul>
          )}
        </>
      )}
    </section>
  );
}
