// Offline writes: every change goes into an IndexedDB outbox first and is replayed in order.
// A write that the server refuses stays in the outbox (marked conflict/failed) until the nurse decides.
import { db, changed, get, put, remove, all } from './db.js';
import { request, me, hasCsrf, ApiError, NetworkError, uuid } from './api.js';

let running = null;
let again = false;
const events = new Set();

export function onOutboxEvent(fn) {
  events.add(fn);
  return () => events.delete(fn);
}
function emit(e) {
  for (const fn of events) fn(e);
}

/** Queue a write; `kind` says how its answer updates the device copy. `local` ([store, value] pairs) is the
 * device's own copy of the change, stored in the same IndexedDB transaction as the entry: the screen never shows
 * a change the outbox does not hold, nor the outbox a change the screen does not show. */
export async function enqueue({ kind, method, path, body, label, ref }, ...local) {
  const entry = { kind, method, path, body, label, ref, key: uuid(), state: 'pending', createdAt: new Date().toISOString() };
  const d = await db();
  const tx = d.transaction(['outbox', ...new Set(local.map(([store]) => store))], 'readwrite');
  const [seq] = await Promise.all([
    tx.objectStore('outbox').add(entry), ...local.map(([store, value]) => tx.objectStore(store).put(value)), tx.done,
  ]);
  entry.seq = seq;
  changed();
  requestBackgroundSync();
  replay();
  return entry;
}

/** Ask the browser for a `sync` event, so the service worker sends the outbox even if the app is closed. */
function requestBackgroundSync() {
  if (typeof window === 'undefined' || !navigator.serviceWorker) return;
  navigator.serviceWorker.ready.then((reg) => reg.sync?.register('outbox')).catch(() => {});
}

/** Send what is queued, oldest first; stop at the first write that cannot be sent now. */
export function replay() {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    try {
      do {
        again = false;
        await replayOnce();
      } while (again);
    } catch {
      // The device was wiped (logout) or storage failed: nothing to send now.
    } finally {
      running = null;
      changed();
    }
  })();
  return running;
}

async function replayOnce() {
  if (!navigator.onLine) return;
  const entries = await all('outbox');
  if (!entries.length) return;
  if (!hasCsrf()) {
    try {
      await me();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) emit({ type: 'unauthorized' });
      return;
    }
  }
  for (const entry of entries.sort((a, b) => a.seq - b.seq)) {
    if (entry.state !== 'pending') return; // keep order: later writes wait for this one
    const ok = await send(entry);
    if (!ok) return;
  }
}

async function send(entry) {
  let body = entry.body;
  if (entry.kind === 'visit_patch') {
    const visit = await get('visits', entry.ref.visit_id);
    body = { ...body, version: entry.baseVersion ?? visit?.version };
  }
  try {
    const result = await request(entry.method, entry.path, { body, idempotencyKey: entry.key });
    await applied(entry, result);
    await remove('outbox', entry.seq);
    return true;
  } catch (e) {
    if (e instanceof NetworkError) return false;
    if (e.status === 401) {
      emit({ type: 'unauthorized' });
      return false;
    }
    if (e.status >= 500) return false;
    if (await alreadyDone(entry, e)) {
      await remove('outbox', entry.seq);
      return true;
    }
    const state = e.status === 409 && e.body.current ? 'conflict' : 'failed';
    await put('outbox', { ...entry, state, status: e.status, error: e.message, current: e.body.current ?? null });
    emit({ type: state, entry });
    return false;
  }
}

/** A replay whose first answer was lost: recognise that the server already has this write. */
async function alreadyDone(entry, e) {
  if (e.status !== 409) return false;
  if (entry.kind === 'visit_patch' && e.body.current) {
    const cur = e.body.current;
    const same = Object.entries(entry.body).every(([k, v]) => k === 'version' || JSON.stringify(cur[k]) === JSON.stringify(v));
    if (same) {
      await updateVisit(entry.ref.visit_id, { version: cur.version });
      return true;
    }
    return false;
  }
  if (entry.kind === 'status' || entry.kind === 'complete') {
    try {
      const call = await request('GET', `/api/calls/${entry.ref.call_id}`);
      const order = ['open', 'offered', 'accepted', 'en_route', 'on_site', 'completed'];
      const target = entry.kind === 'complete' ? 'completed' : entry.body.status;
      if (order.indexOf(call.status) >= order.indexOf(target) && call.status !== 'cancelled') {
        await applied(entry, entry.kind === 'complete' ? null : call);
        return true;
      }
    } catch {
      return false;
    }
  }
  return false;
}

async function updateVisit(id, fields) {
  const v = await get('visits', id);
  if (v) await put('visits', { ...v, ...fields });
}

/** The server took her status: it holds over any pull asked for before this answer (localStatusAt, sync.js),
 * since one answered before her write committed would flip it back and a later pull need not bring the call. */
async function confirmStatus(callId, status, fromServer = {}) {
  const call = await get('calls', callId);
  if (call) await put('calls', { ...call, ...fromServer, status, localStatus: true, localStatusAt: Date.now() });
}

async function applied(entry, result) {
  const { call_id, visit_id, local_id } = entry.ref || {};
  switch (entry.kind) {
    case 'status':
      await confirmStatus(call_id, entry.body.status, result && result.id ? result : {});
      break;
    case 'visit_create':
      await updateVisit(visit_id, { version: result?.version ?? 1, created: true });
      break;
    case 'visit_patch':
      await updateVisit(visit_id, { version: result?.version });
      break;
    case 'vitals': {
      const v = await get('visits', visit_id);
      if (v) {
        const vitals = (v.vitals || []).map((x) => (x.local_id === local_id ? { ...x, ...result, sent: true } : x));
        await put('visits', { ...v, vitals });
      }
      break;
    }
    case 'handover':
      await updateVisit(visit_id, { handoverSent: true, handoverResult: result });
      break;
    case 'complete':
      await updateVisit(visit_id, { completedSent: true });
      await confirmStatus(call_id, 'completed');
      break;
    case 'consult': {
      // The server's consult (with the physician asked) replaces the question that waited on the phone.
      const v = await get('visits', visit_id);
      if (v) {
        const consults = [...(v.consults || []).filter((c) => c.id !== result?.id), ...(result ? [result] : [])];
        await put('visits', { ...v, consults, consultsLocal: (v.consultsLocal || []).filter((c) => c.local_id !== local_id) });
      }
      break;
    }
  }
}

/** The nurse keeps her own change: send it again on top of the server's current version. */
export async function keepMine(entry) {
  const cur = entry.current || {};
  await updateVisit(entry.ref.visit_id, { version: cur.version });
  await put('outbox', { ...entry, state: 'pending', current: null, error: null });
  return replay();
}

/** The nurse takes the server's version: drop her change and copy the server's fields. */
export async function keepServer(entry) {
  const cur = entry.current || {};
  const v = await get('visits', entry.ref.visit_id);
  if (v) await put('visits', { ...v, ...cur, vitals: v.vitals, id: v.id });
  await remove('outbox', entry.seq);
  return replay();
}

/** The nurse drops a refused write: remove it and undo what it showed on the device. */
export async function discard(entry) {
  await remove('outbox', entry.seq);
  const { call_id, visit_id, local_id } = entry.ref || {};
  const visit = visit_id ? await get('visits', visit_id) : null;
  if (entry.kind === 'vitals' && visit) await put('visits', { ...visit, vitals: (visit.vitals || []).filter((x) => x.local_id !== local_id) });
  if (entry.kind === 'handover' && visit) await put('visits', { ...visit, handover: null });
  if (entry.kind === 'consult' && visit) await put('visits', { ...visit, consultsLocal: (visit.consultsLocal || []).filter((c) => c.local_id !== local_id) });
  if (entry.kind === 'complete' && visit) {
    await put('visits', { ...visit, completed: false, outcome: null });
    const call = await get('calls', call_id);
    if (call) await put('calls', { ...call, status: 'on_site' });
  }
  return replay();
}

export async function retry(entry) {
  await put('outbox', { ...entry, state: 'pending', error: null });
  return replay();
}
