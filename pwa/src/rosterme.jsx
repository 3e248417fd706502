// The nurse's own roster on her phone: her coming shifts (offer one to swap), colleagues' offered shifts (take one),
// and her wishes (a day off, no nights in a week, a preferred shift). Mounted from the shell with one line.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { Message, errorText } from './ui.jsx';
import { addDays, localDay } from './geo.js';

// Made when a shift is shown, not when the screen loads (a page's first Intl formatter is costly; see geo.js).
let WHEN = null;
const when = (moment) => (WHEN ||= new Intl.DateTimeFormat('nl-NL', {
  timeZone: 'Europe/Amsterdam', weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit',
})).format(new Date(moment));

export const MT = {
  title: 'Mijn rooster',
  none: 'Geen diensten in de komende vier weken.',
  offer: 'Ruil aanbieden',
  offered: 'ter ruil aangeboden',
  withdraw: 'Ruil intrekken',
  others: 'Diensten die collega’s willen ruilen',
  noOthers: 'Er staat nu niets ter ruil.',
  take: 'Overnemen',
  taken: 'Overgenomen; de teamleider beslist.',
  approved: 'Geruild: de dienst is van jou.',
  wishes: 'Mijn wensen',
  kind: 'Soort wens',
  kinds: { day_off: 'Vrije dag', no_nights: 'Geen nachten in die week', preferred_shift: 'Deze dienst werken' },
  day: 'Datum',
  shift: 'Dienst',
  anyShift: 'Maakt niet uit',
  save: 'Wens opslaan',
  saved: 'Wens opgeslagen.',
  remove: 'Intrekken',
  met: { true: 'gehaald', false: 'niet gehaald', null: 'nog niet ingeroosterd' },
  noWishes: 'Je hebt nog geen wensen opgegeven.',
};

export function RosterMe({ user, today = localDay(Date.now()) }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [form, setForm] = useState({ kind: 'day_off', day: addDays(today, 14), shift: '' });
  const to = addDays(today, 28);

  async function load() {
    try {
      const q = `from=${today}&to=${to}`;
      const [mine, swaps, wishes, types] = await Promise.all([
        api.get(`/api/roster/assignments?${q}`),
        api.get('/api/roster/swaps'),
        api.get(`/api/roster/wishes?${q}`),
        api.get('/api/roster/shift-types'),
      ]);
      setData({ mine, swaps, wishes, types });
    } catch (e) {
      setError(errorText(e));
    }
  }
  useEffect(() => { load(); }, []);

  async function act(fn, message = '') {
    setError('');
    setNotice('');
    try {
      const answer = await fn();
      if (message) setNotice(typeof message === 'function' ? message(answer) : message);
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  }

  if (!data) return <section class="card"><h2>{MT.title}</h2>{error && <Message kind="error">{error}</Message>}</section>;
  const names = Object.fromEntries(data.types.map((t) => [t.code, t.name]));
  const openSwap = Object.fromEntries(data.swaps.filter((s) => s.status === 'offered' || s.status === 'taken')
    .map((s) => [s.assignment_id, s]));
  const others = data.swaps.filter((s) => s.status === 'offered' && s.from_nurse_id !== user.id);
  const label = (s) => `${names[s.shift] || s.shift} ${when(s.start)}`;
  return (
    <section class="card" aria-labelledby="rosterme-h" data-testid="roster-me">
      <h2 id="rosterme-h">{MT.title}</h2>
      {error && <Message kind="error">{error}</Message>}
      {notice && <Message>{notice}</Message>}
      {!data.mine.length ? <p class="muted">{MT.none}</p> : (
        <ul data-testid="my-shifts">
          {data.mine.map((a) => (
            <li>
              {label(a)}{' '}
              {openSwap[a.id] ? (
                <>
                  <em>{MT.offered}</em>{' '}
                  <button class="ghost" onClick={() => act(() => api.del(`/api/roster/swaps/${openSwap[a.id].id}`))}>
                    {MT.withdraw}
                  </button>
                </>
              ) : (
                <button class="secondary" onClick={() => act(() => api.post('/api/roster/swaps', { assignment_id: a.id }))}>
                  {MT.offer}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <h3>{MT.others}</h3>
      {!others.length ? <p class="muted">{MT.noOthers}</p> : (
        <ul data-testid="offered-swaps">
          {others.map((s) => (
            <li>
              {label(s)}{' '}
              <button class="primary" aria-label={`${MT.take}: ${label(s)}`}
                onClick={() => act(() => api.post(`/api/roster/swaps/${s.id}/take`),
                  (answer) => (answer.status === 'approved' ? MT.approved : MT.taken))}>
                {MT.take}
              </button>
            </li>
          ))}
        </ul>
      )}
      <h3>{MT.wishes}</h3>
      <form onSubmit={(e) => {
        e.preventDefault();
        const body = { kind: form.kind, day: form.day };
        if (form.kind === 'preferred_shift') { body.want = true; if (form.shift) body.shift = form.shift; }
        act(() => api.post('/api/roster/wishes', body), MT.saved);
      }}>
        <label>{MT.kind}{' '}
          <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>
            {Object.entries(MT.kinds).map(([k, v]) => <option value={k}>{v}</option>)}
          </select>
        </label>{' '}
        <label>{MT.day}{' '}
          <input type="date" value={form.day} required onInput={(e) => setForm({ ...form, day: e.target.value })} />
        </label>{' '}
        {form.kind === 'preferred_shift' && (
          <label>{MT.shift}{' '}
            <select value={form.shift} onChange={(e) => setForm({ ...form, shift: e.target.value })}>
              <option value="">{MT.anyShift}</option>
              {data.types.map((t) => <option value={t.code}>{t.name}</option>)}
            </select>
          </label>
        )}{' '}
        <button class="primary" type="submit">{MT.save}</button>
      </form>
      {!data.wishes.length ? <p class="muted">{MT.noWishes}</p> : (
        <ul data-testid="my-wishes">
          {data.wishes.map((w) => (
            <li>
              {MT.kinds[w.kind]} {w.day}{w.shift ? ` (${names[w.shift] || w.shift})` : ''}: {MT.met[String(w.met)]}{' '}
              <button class="ghost" onClick={() => act(() => api.del(`/api/roster/wishes/${w.id}`))}>{MT.remove}</button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
