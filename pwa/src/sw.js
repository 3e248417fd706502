// The service worker: precached app shell (works without signal), web push → notification → delivery report.
import { precacheAndRoute, cleanupOutdatedCaches, createHandlerBoundToURL } from 'workbox-precaching';
import { registerRoute, NavigationRoute } from 'workbox-routing';
import { StaleWhileRevalidate } from 'workbox-strategies';
import { clientsClaim } from 'workbox-core';

self.skipWaiting();
clientsClaim();
cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

// Every page of the app is the same shell; the server's own pages (API, shared links) stay on the network.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//, /^\/shared\//, /^\/portal\//] }));

// The only API answer that is safe to keep: the server's public VAPID key (no client data).
registerRoute(({ url }) => url.pathname === '/api/push/vapid-public-key', new StaleWhileRevalidate({ cacheName: 'api-public' }));
// Everything else under /api goes to the network only: client data never lands in a cache.

// The app hands over its CSRF token so delivery reports can be sent; kept in memory only, never stored.
let csrfToken = null;
self.addEventListener('message', (event) => {
  if (event.data?.type === 'csrf') csrfToken = event.data.token || null;
});

async function reportDelivery(data, status) {
  const url = data.delivery_url || '/api/push/delivery';
  const headers = { 'Content-Type': 'application/json' };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const body = { call_id: data.call_id, status, at: new Date().toISOString() };
  if (data.receipt) body.receipt = data.receipt;
  try {
    await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    // No signal: the coordinator sees that delivery was not confirmed, which is the truth.
  }
}

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
          data: { call_id: data.call_id, url: '/' },
        });
      } catch {
        status = 'failed';
      }
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      for (const w of windows) w.postMessage({ type: data.type || 'offer', call_id: data.call_id });
      if (data.call_id) await reportDelivery(data, status);
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
