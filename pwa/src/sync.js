// Bring the nurse's own current work onto the device (and nothing else).
import { api, ApiError } from './api.js';
import { all, get, put, remove, getMeta, setMeta, changed, db } from './db.js';

/** Refresh the nurse's current work from the server (`GET /api/sync/pull`); throws when offline. */
export async function refreshNurse(user) {
  const cursor = await getMeta('cursor');
  const startedAt = Date.now(); // what the nurse changed after this moment is newer than this answer
  let data;
  try {
    data = await api.get(`/api/sync/pull${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 422 && cursor) {
      await setMeta('cursor', null); // the server no longer knows this cursor: fetch everything
      return refreshNurse(user);
    }
    throw e;
  }
  for (const c of data.clients || []) await put('clients', { ...((await get('clients', c.id)) || {}), ...c });
  for (const w of data.wishes || []) {
    const c = await get('clients', w.client_id);
    if (c) await put('clients', { ...c, wishes: w });
  }
  for (const call of data.calls || []) {
    const local = await get('calls', call.id);
    if (call.client) await put('clients', { ...((await get('clients', call.client.id)) || {}), ...call.client });
    // A status the nurse set wins until the outbox has sent it, and over an answer asked for before the server
    // took it (outbox.js moves localStatusAt to its answer): an answer read before her write committed would
    // flip it back.
    const mine = local?.localStatus && (local.localStatusAt >= startedAt || (await hasPendingWork(call.id)));
    await put('calls', mine ? { ...call, status: local.status, localStatus: true, localStatusAt: local.localStatusAt } : call);
  }
  for (const v of data.visits || []) await mergeVisit(v);
  const current = new Set(data.current_call_ids || []);
  for (const local of await all('calls')) {
    if (current.has(local.id) || local.status === 'cancelled' || (await hasPendingWork(local.id))) continue;
    if (local.status === 'completed') continue; // shown as done until the nurse closes it
    let status = null;
    try {
      status = (await api.get(`/api/calls/${local.id}`)).status;
    } catch {}
    if (status === 'cancelled' && ['accepted', 'en_route', 'on_site'].includes(local.status)) await put('calls', { ...local, status: 'cancelled' });
    else await forgetCall(local.id);
  }
  await setMeta('cursor', data.cursor);
  changed();
  return true;
}

async function mergeVisit(v) {
  const local = await get('visits', v.id);
  if (!local) return put('visits', { ...v, created: true, vitals: v.vitals || [] });
  if ((v.version ?? 0) > (local.version ?? 0) && !(await hasPendingWork(local.call_id))) {
    await put('visits', { ...local, ...v, vitals: local.vitals });
  }
}

export async function hasPendingWork(callId) {
  const entries = await all('outbox');
  return entries.some((e) => e.ref?.call_id === callId);
}

/** Remove a finished call, its visit and (when no other call needs it) its client from the device. */
export async function forgetCall(callId) {
  const call = await get('calls', callId);
  await remove('calls', callId);
  for (const v of await all('visits')) if (v.call_id === callId) await remove('visits', v.id);
  if (call?.client_id) {
    const others = (await all('calls')).some((c) => c.client_id === call.client_id);
    if (!others) await remove('clients', call.client_id);
  }
}

/** After the outbox emptied: drop completed work the server has. */
export async function forgetSentCompleted() {
  for (const v of await all('visits')) {
    if (v.completedSent && !(await hasPendingWork(v.call_id))) await forgetCall(v.call_id);
  }
}

export { db };
