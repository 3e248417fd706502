// The device store (IndexedDB via idb): only the nurse's own current work, wiped at logout.
import { openDB, deleteDB } from 'idb';

const NAME = 'wijkspoed';
let dbPromise = null;
let locked = false;
const listeners = new Set();

/** After logout nothing may open (and so re-create) the database until someone logs in. */
export function unlockDevice() {
  locked = false;
}

/** True when this device already holds a Wijkspoed database (without creating one). */
export async function deviceHasData() {
  if (!indexedDB.databases) return true;
  return (await indexedDB.databases()).some((d) => d.name === NAME);
}

export function lockDevice() {
  locked = true;
}

export function db() {
  if (locked) return Promise.reject(new Error('device locked'));
  if (!dbPromise) {
    dbPromise = openDB(NAME, 1, {
      upgrade(d) {
        d.createObjectStore('meta');
        d.createObjectStore('calls', { keyPath: 'id' });
        d.createObjectStore('clients', { keyPath: 'id' });
        d.createObjectStore('visits', { keyPath: 'id' });
        d.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
      },
      blocking() {
        // Another tab wants to delete or upgrade the database (logout): let it.
        dbPromise?.then((x) => x.close());
        dbPromise = null;
      },
    });
  }
  return dbPromise;
}

/** Tell every screen that device data changed. */
export function changed() {
  for (const fn of listeners) fn();
}

export function onChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export async function getMeta(key) {
  return (await db()).get('meta', key);
}

export async function setMeta(key, value) {
  await (await db()).put('meta', value, key);
}

export async function all(store) {
  return (await db()).getAll(store);
}

export async function get(store, key) {
  return (await db()).get(store, key);
}

export async function put(store, value) {
  await (await db()).put(store, value);
  changed();
}

export async function remove(store, key) {
  await (await db()).delete(store, key);
  changed();
}

/** Delete every piece of client data on this device: the database and the runtime caches. */
export async function wipeDevice() {
  locked = true;
  if (dbPromise) {
    (await dbPromise).close();
    dbPromise = null;
  }
  await deleteDB(NAME);
  if ('caches' in self) {
    for (const key of await caches.keys()) {
      // The precache holds only the app shell (code, no client data); everything else goes.
      if (!key.startsWith('workbox-precache')) await caches.delete(key);
    }
  }
  changed();
}
