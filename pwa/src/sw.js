// The service worker: precached app shell (works without signal), web push → notification → delivery report.
import { precacheAndRoute, cleanupOutdatedCaches, createHandlerBoundToURL } from 'workbox-precaching';
import { registerRoute, NavigationRoute } from 'workbox-routing';
import { StaleWhileRevalidate } from 'workbox-strategies';
import { clientsClaim } from 'workbox-core';
import { replay } from './outbox.js';
import { deviceHasData } from './db.js';

self.skipWaiting();
clientsClaim();
cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

// Every page of the app is the same shell; the server's own pages (API, shared links) stay on the network.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//, /^\/shared\//, /^\/portal\//] }));

// The only API answer that is safe to keep: the server's public VAPID key (no client data).
registerRoute(({ url }) => url.pathname === '/api/push/vapid-public-key', new StaleWhileRevalidate({ cacheName: 'api-public' }));
// Everything else under /api goes to the network only: client data never lands in a cache.

/** Tell the server the offer was shown (or could not be), so the coordinator sees it reached the phone. */
async function reportDelivery(data, status) {
  try {
    // The CSRF token is fetched for this one request and never stored (the phone holds no tokens).
    const me = await fetch('/api/auth/me', { credentials: 'same-origin', cache: 'no-store' });
    if (!me.ok) return;
    const { csrf_token } = await me.json();
    await fetch(`/api/calls/${data.call_id}/delivery`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf_token || '' },
      body: JSON.stringify({ status, at: new Date().toISOString() }),
    });
  } catch {
    // No signal: the board keeps saying the offer was not confirmed, which is the truth.
  }
}

// Background Sync: send the outbox when the connection is back, also with the app closed. The device
// database is only opened if it exists (after logout nothing may re-create it).
self.addEventListener('sync', (event) => {
  if (event.tag !== 'outbox') return;
  event.waitUntil(
    (async () => {
      if (!(await deviceHasData())) return;
      await replay();
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      for (const w of windows) w.postMessage({ type: 'outbox' });
    })(),
  );
});

self.addEventListener('push', (event) => {
  let data;
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: 'Wijkspoed', body: event.data?.text() || '' };
  }
  event.waitUntil(
    (async () => {
      let status = 'shown';
      try {
        // Shown also while the app is open: the phone must ring even if the screen is on another app.
        await self.registration.showNotification(data.title || 'Wijkspoed', {
          body: data.body || '',
          tag: data.call_id ? `call-${data.call_id}` : undefined,
          renotify: !!data.call_id,
          requireInteraction: data.urgency === 'U2',
          icon: '/icons/icon-192.png',
          badge: '/icons/icon-192.png',
          vibrate: [300, 100, 300],
          data: { call_id: data.call_id, url: data.url || '/' },
        });
      } catch {
        status = 'failed';
      }
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      for (const w of windows) w.postMessage({ type: data.type || 'offer', call_id: data.call_id });
      if (data.type === 'offer' && data.call_id) await reportDelivery(data, status);
    })(),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      for (const w of windows) {
        if ('focus' in w) {
          w.postMessage({ type: 'offer', call_id: event.notification.data?.call_id });
          return w.focus();
        }
      }
      return self.clients.openWindow(event.notification.data?.url || '/');
    })(),
  );
});
