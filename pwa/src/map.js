// Leaflet with OpenStreetMap tiles, loaded only by the board's map (not in the nurse's or HAP's code).
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';

const URGENCY_COLOURS = { U2: '#d32f2f', U3: '#ef6c00', U4: '#b59f00', U5: '#1565c0' };

/** A map on `el`; `onTileError` runs once when tiles cannot load (no internet): the lists still hold. */
export function makeMap(el, onTileError) {
  const map = L.map(el, { zoomControl: true, attributionControl: true }).setView([52.25, 6.16], 12);
  let told = false;
  L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
    maxZoom: 19,
    attribution: '&copy; OpenStreetMap-bijdragers',
  })
    .on('tileerror', () => {
      if (!told) {
        told = true;
        onTileError();
      }
    })
    .addTo(map);
  return map;
}

/** Draw the calls (coloured by urgency) and the nurses' last places; fit the view to them. */
export function drawMarkers(map, old, { calls, nurses }, onSelect) {
  if (old) old.remove();
  const layer = L.layerGroup().addTo(map);
  const points = [];
  for (const c of calls) {
    const m = L.circleMarker([c.lat, c.lon], { className: 'm-call', radius: 10, color: URGENCY_COLOURS[c.urgency] || '#555', weight: 3, fillOpacity: 0.6 })
      .bindTooltip(c.label)
      .on('click', () => onSelect(c.id));
    m.addTo(layer);
    points.push([c.lat, c.lon]);
  }
  for (const n of nurses) {
    L.circleMarker([n.lat, n.lon], { className: 'm-nurse', radius: 7, color: '#2e7d32', weight: 2, fillOpacity: 0.9 }).bindTooltip(n.label).addTo(layer);
    points.push([n.lat, n.lon]);
  }
  if (points.length) map.fitBounds(points, { padding: [24, 24], maxZoom: 14 });
  return layer;
}
