// The team lead's and regional coordinator's outcomes: tiles and charts over GET /api/kpis and /weekly.
// Loaded as its own chunk (with uPlot) only when opened, so the nurse's shell does not grow.
// Every chart has a table with the same numbers beside it, for screen readers and for reading exact values.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './dashboard.css';
import V from './vocab.json';
import { api } from './api.js';
import { Message, errorText } from './ui.jsx';
import { localDay, addDays } from './geo.js';

const URGENCIES = V.urgencies;
const OUTCOMES = Object.keys(V.outcomes);
const OUTCOME_COLOURS = ['#2e9e5b', '#6cc3a0', '#4f8fd6', '#a47fd8', '#e0a030', '#e0663a', '#c0392b', '#8a8f94'];
const PRESETS = [['4w', 28, 'Laatste 4 weken'], ['13w', 91, 'Laatste 3 maanden'], ['52w', 364, 'Laatste 12 maanden']];

export const DT = {
  title: 'Resultaten',
  period: 'Periode',
  from: 'Van',
  to: 'Tot en met',
  team: 'Team',
  allTeams: 'Alle teams (regio)',
  show: 'Toon',
  loading: 'Cijfers laden…',
  export: 'Download pseudonieme export (CSV)',
  exportNote: 'Zonder naam, BSN, adres of telefoon; het downloaden wordt vastgelegd.',
  none: '—',
  tiles: {
    within: 'Ter plaatse binnen de norm',
    home: 'Thuis gebleven',
    handovers: 'Overdrachten bevestigd',
    recalls: 'Opnieuw gebeld binnen 72 uur',
  },
  of: (a, b) => `${a} van ${b}`,
  recallsSub: (n30, done) => `${n30} binnen 30 dagen; ${done} afgerond`,
  weeklyTitle: 'Binnen de norm per week, per urgentie (%)',
  mixTitle: 'Uitkomst per week (aantal afgeronde meldingen)',
  distTitle: 'Aanrijtijd ten opzichte van de norm (100 % = precies op de norm)',
  week: 'Week',
  bin: 'Aanrijtijd',
  upto: (p) => `≤ ${p} % van de norm`,
  above: (p) => `> ${p} % van de norm`,
  targetLine: 'norm',
  perUrgency: 'Per urgentie',
  urgency: 'Urgentie',
  callsCol: 'Meldingen',
  onSite: 'Ter plaatse',
  withinCol: 'Binnen norm',
  p50: 'Mediaan (min)',
  p90: '90e percentiel (min)',
  target: 'Norm (min)',
  total: 'Totaal',
  chartSummary: (title) => `Grafiek: ${title}. De cijfers staan in de tabel eronder.`,
};

const pctText = (v) => (v === null || v === undefined ? DT.none : `${String(v).replace('.', ',')} %`);
const num = (v) => (v === null || v === undefined ? DT.none : String(v).replace('.', ','));
const weekLabel = (w) => `wk ${Number(w.week.split('-W')[1])}`;
const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';

function today() {
  return localDay(new Date());
}

/** A uPlot chart that redraws when its data or width changes; hidden from screen readers (the table reads). */
function Chart({ title, options, data, testid }) {
  const box = useRef(null);
  useEffect(() => {
    if (!box.current) return undefined;
    const fg = cssVar('--fg');
    const axis = { stroke: fg, grid: { stroke: cssVar('--line'), width: 1 }, ticks: { stroke: cssVar('--line') } };
    const opts = {
      width: Math.max(280, box.current.clientWidth), height: 240, legend: { show: true },
      ...options,
      axes: (options.axes || [{}, {}]).map((a) => ({ ...axis, ...a })),
    };
    const plot = new uPlot(opts, data, box.current);
    const resize = () => plot.setSize({ width: Math.max(280, box.current.clientWidth), height: 240 });
    addEventListener('resize', resize);
    return () => {
      removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [data, options]);
  return <div class="chart" ref={box} role="img" aria-label={DT.chartSummary(title)} data-testid={testid} />;
}

function Tile({ label, value, sub, testid }) {
  return (
    <div class="tile card" data-testid={testid}>
      <div class="tile-label">{label}</div>
      <div class="tile-value">{value}</div>
      {sub && <div class="tile-sub muted">{sub}</div>}
    </div>
  );
}

function withinChart(weeks) {
  const x = weeks.map((_, i) => i);
  const series = URGENCIES.map((u) => weeks.map((w) => w.response.by_urgency[u]?.within_target_pct ?? null));
  return {
    data: [x, ...series],
    options: {
      scales: { x: { time: false }, y: { range: [0, 100] } },
      axes: [{ values: (_, ticks) => ticks.map((t) => (weeks[t] ? weekLabel(weeks[t]) : '')) }, { values: (_, t) => t.map((v) => `${v}%`) }],
      series: [{ label: DT.week, value: (_, i) => (weeks[i] ? weekLabel(weeks[i]) : '') },
        ...URGENCIES.map((u) => ({ label: u, stroke: cssVar(`--${u.toLowerCase()}`), width: 2, spanGaps: true, points: { size: 6 },
          value: (_, v) => pctText(v) }))],
    },
  };
}

/** Stacked bars: each series is the running sum up to its outcome, drawn from the top down. */
function mixChart(weeks) {
  const x = weeks.map((_, i) => i);
  const running = weeks.map(() => 0);
  const stacked = OUTCOMES.map((o) => weeks.map((w, i) => (running[i] += w.outcomes[o] || 0)));
  const bars = uPlot.paths.bars({ size: [0.7, 60] });
  const order = OUTCOMES.map((_, i) => i).reverse();
  return {
    data: [x, ...order.map((i) => stacked[i])],
    options: {
      scales: { x: { time: false, range: [-0.5, weeks.length - 0.5] }, y: { range: (_, min, max) => [0, Math.max(1, max)] } },
      axes: [{ values: (_, ticks) => ticks.map((t) => (weeks[t] ? weekLabel(weeks[t]) : '')) }, {}],
      series: [{ label: DT.week, value: (_, i) => (weeks[i] ? weekLabel(weeks[i]) : '') },
        ...order.map((i) => ({ label: V.outcomes[OUTCOMES[i]], fill: OUTCOME_COLOURS[i], stroke: OUTCOME_COLOURS[i], paths: bars,
          points: { show: false }, value: (u, v, si, idx) => (idx === null ? '' : String(weeks[idx]?.outcomes[OUTCOMES[i]] || 0)) }))],
    },
  };
}

/** Responses per bin of % of their own target, stacked by urgency, with the target line at 100 %. */
function distributionChart(bins) {
  const x = bins.map((_, i) => i);
  const running = bins.map(() => 0);
  const stacked = URGENCIES.map((u) => bins.map((b, i) => (running[i] += b.counts[u] || 0)));
  const bars = uPlot.paths.bars({ size: [0.8, 80] });
  const order = URGENCIES.map((_, i) => i).reverse();
  const targetIndex = bins.findIndex((b) => b.upto_pct === 100);
  const binLabel = (b) => (b.upto_pct === null ? `> ${bins[bins.length - 2].upto_pct}%` : `≤ ${b.upto_pct}%`);
  return {
    data: [x, ...order.map((i) => stacked[i])],
    options: {
      scales: { x: { time: false, range: [-0.5, bins.length - 0.5] }, y: { range: (_, min, max) => [0, Math.max(1, max)] } },
      axes: [{ values: (_, ticks) => ticks.map((t) => (bins[t] ? binLabel(bins[t]) : '')) }, {}],
      series: [{ label: DT.bin, value: (_, i) => (bins[i] ? binLabel(bins[i]) : '') },
        ...order.map((i) => ({ label: URGENCIES[i], fill: cssVar(`--${URGENCIES[i].toLowerCase()}`), stroke: cssVar(`--${URGENCIES[i].toLowerCase()}`),
          paths: bars, points: { show: false }, value: (u, v, si, idx) => (idx === null ? '' : String(bins[idx]?.counts[URGENCIES[i]] || 0)) }))],
      hooks: {
        draw: [(u) => {
          // the target: between the "≤ 100 %" bar and the next one
          const left = u.valToPos(targetIndex + 0.5, 'x', true);
          const { ctx } = u;
          ctx.save();
          ctx.strokeStyle = cssVar('--danger');
          ctx.lineWidth = 3;
          ctx.setLineDash([8, 5]);
          ctx.beginPath();
          ctx.moveTo(left, u.bbox.top);
          ctx.lineTo(left, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.fillStyle = cssVar('--danger');
          ctx.font = `${14 * devicePixelRatio}px system-ui`;
          ctx.fillText(DT.targetLine, left + 6, u.bbox.top + 16 * devicePixelRatio);
          ctx.restore();
        }],
      },
    },
  };
}

function WeeklyTable({ weeks }) {
  return (
    <table class="figures" tabIndex={0} data-testid="table-within">
      <caption>{DT.weeklyTitle}</caption>
      <thead><tr><th scope="col">{DT.week}</th>{URGENCIES.map((u) => <th scope="col">{u}</th>)}<th scope="col">{DT.total}</th></tr></thead>
      <tbody>
        {weeks.map((w) => (
          <tr><th scope="row">{weekLabel(w)}</th>
            {URGENCIES.map((u) => <td>{pctText(w.response.by_urgency[u]?.within_target_pct)}</td>)}
            <td>{pctText(w.response.within_target_pct)}</td></tr>
        ))}
      </tbody>
    </table>
  );
}

function MixTable({ weeks }) {
  return (
    <table class="figures" tabIndex={0} data-testid="table-mix">
      <caption>{DT.mixTitle}</caption>
      <thead><tr><th scope="col">{DT.week}</th>{OUTCOMES.map((o) => <th scope="col">{V.outcomes[o]}</th>)}</tr></thead>
      <tbody>
        {weeks.map((w) => <tr><th scope="row">{weekLabel(w)}</th>{OUTCOMES.map((o) => <td>{w.outcomes[o] || 0}</td>)}</tr>)}
      </tbody>
    </table>
  );
}

function DistributionTable({ bins }) {
  return (
    <table class="figures" tabIndex={0} data-testid="table-dist">
      <caption>{DT.distTitle}</caption>
      <thead><tr><th scope="col">{DT.bin}</th>{URGENCIES.map((u) => <th scope="col">{u}</th>)}</tr></thead>
      <tbody>
        {bins.map((b, i) => (
          <tr><th scope="row">{b.upto_pct === null ? DT.above(bins[i - 1].upto_pct) : DT.upto(b.upto_pct)}</th>
            {URGENCIES.map((u) => <td>{b.counts[u] || 0}</td>)}</tr>
        ))}
      </tbody>
    </table>
  );
}

function UrgencyTable({ figures }) {
  const r = figures.response;
  return (
    <table class="figures" tabIndex={0} data-testid="table-urgency">
      <caption>{DT.perUrgency}</caption>
      <thead><tr><th scope="col">{DT.urgency}</th><th scope="col">{DT.callsCol}</th><th scope="col">{DT.onSite}</th>
        <th scope="col">{DT.withinCol}</th><th scope="col">{DT.p50}</th><th scope="col">{DT.p90}</th><th scope="col">{DT.target}</th></tr></thead>
      <tbody>
        {URGENCIES.filter((u) => r.by_urgency[u]).map((u) => {
          const x = r.by_urgency[u];
          return (<tr><th scope="row"><span class={`badge urg-${u}`}>{u}</span> {V.urgencyLabels[u]}</th><td>{x.calls}</td><td>{x.on_site}</td>
            <td>{pctText(x.within_target_pct)}</td><td>{num(x.p50_minutes)}</td><td>{num(x.p90_minutes)}</td><td>{num(x.target_minutes)}</td></tr>);
        })}
        <tr><th scope="row">{DT.total}</th><td>{figures.calls.total}</td><td>{r.on_site}</td><td>{pctText(r.within_target_pct)}</td>
          <td>{num(r.p50_minutes)}</td><td>{num(r.p90_minutes)}</td><td /></tr>
      </tbody>
    </table>
  );
}

export function Dashboard({ user }) {
  const regional = user.role === 'regional_coordinator';
  const [to, setTo] = useState(today());
  const [from, setFrom] = useState(addDays(today(), -90));
  const [team, setTeam] = useState(regional ? '' : user.team);
  const [state, setState] = useState({ loading: true });

  const query = () => {
    const q = new URLSearchParams({ from, to: addDays(to, 1) });
    if (team) q.set('team', team);
    return q.toString();
  };

  async function load() {
    setState((s) => ({ ...s, loading: true, error: null }));
    try {
      const q = query();
      const [figures, weeks] = await Promise.all([api.get(`/api/kpis?${q}`), api.get(`/api/kpis/weekly?${q}`)]);
      setState({ figures, weeks, loading: false, query: q });
    } catch (e) {
      setState({ loading: false, error: e });
    }
  }

  useEffect(() => { load(); }, []);

  function preset(days) {
    const end = today();
    setTo(end);
    setFrom(addDays(end, -days + 1));
  }

  const { figures, weeks } = state;
  // uPlot redraws only when these change: build them once per answer.
  const charts = useMemo(() => (weeks && figures
    ? { within: withinChart(weeks), mix: mixChart(weeks), dist: distributionChart(figures.response.distribution) } : null),
  [weeks, figures]);
  return (
    <section class="card dashboard" aria-labelledby="dash-h" data-testid="dashboard">
      <h2 id="dash-h">{DT.title}</h2>
      <form class="row end" onSubmit={(e) => { e.preventDefault(); load(); }} aria-label={DT.period}>
        <div class="field"><label for="dash-from">{DT.from}</label><input id="dash-from" type="date" value={from} max={to} onInput={(e) => setFrom(e.currentTarget.value)} required /></div>
        <div class="field"><label for="dash-to">{DT.to}</label><input id="dash-to" type="date" value={to} min={from} onInput={(e) => setTo(e.currentTarget.value)} required /></div>
        {regional && (
          <div class="field"><label for="dash-team">{DT.team}</label>
            <select id="dash-team" value={team} onChange={(e) => setTeam(e.currentTarget.value)}>
              <option value="">{DT.allTeams}</option>
              {Object.entries(V.teams).map(([code, label]) => <option value={code}>{label}</option>)}
            </select></div>
        )}
        <button class="primary" type="submit">{DT.show}</button>
      </form>
      <div class="row presets">
        {PRESETS.map(([key, days, label]) => <button type="button" class="secondary" data-testid={`preset-${key}`} onClick={() => preset(days)}>{label}</button>)}
      </div>
      {state.error && <Message kind="error">{errorText(state.error)}</Message>}
      {state.loading && <p role="status">{DT.loading}</p>}
      {figures && charts && (
        <>
          <div class="tiles" aria-live="polite">
            <Tile testid="tile-within" label={DT.tiles.within} value={pctText(figures.response.within_target_pct)}
              sub={DT.of(figures.response.within_target, figures.response.on_site)} />
            <Tile testid="tile-home" label={DT.tiles.home} value={pctText(figures.home_pct)} sub={DT.of(figures.home, figures.completed)} />
            <Tile testid="tile-handovers" label={DT.tiles.handovers} value={pctText(figures.handovers.acknowledged_pct)}
              sub={DT.of(figures.handovers.acknowledged, figures.handovers.total)} />
            <Tile testid="tile-recalls" label={DT.tiles.recalls} value={String(figures.recalls_72h)}
              sub={DT.recallsSub(figures.recalls_30d, figures.completed)} />
          </div>
          <div class="charts">
            <figure class="chart-box"><figcaption>{DT.weeklyTitle}</figcaption>
              <Chart title={DT.weeklyTitle} testid="chart-within" {...charts.within} /><WeeklyTable weeks={weeks} /></figure>
            <figure class="chart-box"><figcaption>{DT.mixTitle}</figcaption>
              <Chart title={DT.mixTitle} testid="chart-mix" {...charts.mix} /><MixTable weeks={weeks} /></figure>
            <figure class="chart-box"><figcaption>{DT.distTitle}</figcaption>
              <Chart title={DT.distTitle} testid="chart-dist" {...charts.dist} /><DistributionTable bins={figures.response.distribution} /></figure>
            <div class="chart-box"><UrgencyTable figures={figures} /></div>
          </div>
          <p><a class="link-button secondary" href={`/api/kpis/export.csv?${state.query}`} download data-testid="export">{DT.export}</a>
            <br /><small class="muted">{DT.exportNote}</small></p>
        </>
      )}
    </section>
  );
}

export default Dashboard;
