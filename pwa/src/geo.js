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

// Dutch wall-clock time without Intl: a page's first Intl formatter loads the locale and time-zone data, 50–300 ms
// of main thread on this machine (most of the nurse screen's start-up work), and her screen shows only days and
// times in Amsterdam. Europe/Amsterdam follows the EU rule (Directive 2000/84/EC): UTC+1, and UTC+2 from the last
// Sunday of March to the last Sunday of October, 01:00 UTC both. tests/pwa/test_dates.py checks it against Intl.
const HOUR_MS = 3600000;

function lastSundayOneUtc(year, month) {
  const d = new Date(Date.UTC(year, month + 1, 0, 1)); // the month's last day, 01:00 UTC
  return d.getTime() - d.getUTCDay() * 24 * HOUR_MS;
}

/** The moment as Amsterdam's wall clock, in a Date read with its getUTC… methods. */
function amsterdam(moment) {
  const ms = new Date(moment).getTime();
  const year = new Date(ms).getUTCFullYear();
  const summer = ms >= lastSundayOneUtc(year, 2) && ms < lastSundayOneUtc(year, 9);
  return new Date(ms + (summer ? 2 : 1) * HOUR_MS);
}

const two = (n) => String(n).padStart(2, '0');

/** "02:14": the time in Amsterdam. */
export function formatTime(iso) {
  if (!iso) return '';
  const d = amsterdam(iso);
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

export function minutesUntil(iso, now = Date.now()) {
  return Math.round((new Date(iso).getTime() - now) / 60000);
}

/** 27-07-1942: a date as the Dutch write it (birth dates come as 1942-07-27). */
export function formatDate(iso) {
  if (!iso) return '';
  const [y, m, d] = String(iso).slice(0, 10).split('-');
  return d && m && y ? `${d}-${m}-${y}` : String(iso);
}

/** "29-11 02:14": date and time, for lists that span more than one day. */
export function formatDateTime(iso) {
  if (!iso) return '';
  const d = amsterdam(iso);
  return `${two(d.getUTCDate())}-${two(d.getUTCMonth() + 1)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

/** "12 min", "1 u 5 min": how long ago. */
export function age(iso, now = Date.now()) {
  const m = Math.max(0, Math.round((now - new Date(iso).getTime()) / 60000));
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} u ${m % 60} min`;
}

/** 0,3 — one decimal comma everywhere a number is shown. */
export function decimal(x, digits = 1) {
  return x === null || x === undefined ? '' : Number(x).toFixed(digits).replace('.', ',');
}

/** The Amsterdam calendar day (YYYY-MM-DD) of a moment. */
export function localDay(moment) {
  return amsterdam(moment).toISOString().slice(0, 10);
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
