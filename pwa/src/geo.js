/** Great-circle distance in km (the nurse's base to the client's address). */
export function distanceKm(aLat, aLon, bLat, bLon) {
  if ([aLat, aLon, bLat, bLon].some((x) => x === null || x === undefined)) return null;
  const r = (d) => (d * Math.PI) / 180;
  const dLat = r(bLat - aLat), dLon = r(bLon - aLon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(r(aLat)) * Math.cos(r(bLat)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/** A link that opens the phone's own map app (geo: on Android, Apple Maps on iOS). */
export function mapLink(client) {
  const q = encodeURIComponent([client.address, client.postcode, client.city].filter(Boolean).join(', '));
  if (/iPhone|iPad/.test(navigator.userAgent)) return `https://maps.apple.com/?q=${q}`;
  if (client.lat != null && client.lon != null) return `geo:${client.lat},${client.lon}?q=${q}`;
  return `geo:0,0?q=${q}`;
}

export function formatTime(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleTimeString('nl-NL', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam' });
}

export function minutesUntil(iso, now = Date.now()) {
  return Math.round((new Date(iso).getTime() - now) / 60000);
}
