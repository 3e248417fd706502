// Bring the nurse's own current work onto the device (and nothing else).
import { api, ApiError } from './api.js';
import { all, get, put, remove, getMeta, setMeta, changed, db } from './db.js';

const ACTIVE = ['offered', 'accepted', 'en_route', 'on_site'];
let pullMissing = false;

function mine(call, user) {
  return call.nurse_id === user.id && ACTIVE.includes(call.status);
}

/** Refresh calls and clients from the server; returns false when offline. */
export async function refreshNurse(user) {
  let calls;
  if (!pullMissing) {
    try {
      const cursor = await getMeta('cursor');
      const data = await api.get(`/api/sync/pull${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
      for (const c of data.clients || []) await put('clients', c);
      await mergeCalls(data.calls || [], user, !cursor);
      for (const v of data.visits || []) await mergeVisit(v);
      await setMeta('cursor', data.cursor);
      changed();
      return true;
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404) throw e;
      pullMissing = true; // this server has no sync endpoint (yet): fall back to the calls list
    }
  }
  calls = await api.get('/api/calls');
  await mergeCalls(calls, user, true);
  for (const call of await all('calls')) {
    if (call.client_id && !(await get('clients', call.client_id))) {
      try {
        await put('clients', await api.get(`/api/clients/${call.client_id}`));
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
      }
    }
  }
  changed();
  return true;
}

async function mergeCalls(calls, user, complete) {
  const seen = new Set();
  for (const call of calls) {
    seen.add(call.id);
    const local = await get('calls', call.id);
    if (mine(call, user)) {
      if (call.client) await put('clients', { ...((await get('clients', call.client.id)) || {}), ...call.client });
      // A status the nurse set offline wins until the outbox has sent it.
      await put('calls', local?.localStatus ? { ...call, status: local.status, localStatus: local.localStatus } : call);
    } else if (local && !(await hasPendingWork(call.id))) {
      if (call.status === 'cancelled' && local.status !== 'cancelled') await put('calls', { ...local, status: 'cancelled' });
      else await forgetCall(call.id);
    }
  }
  if (complete) {
    for (const local of await all('calls')) {
      if (!seen.has(local.id) && !(await hasPendingWork(local.id))) await forgetCall(local.id);
    }
  }
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
