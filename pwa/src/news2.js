// NEWS2 (Royal College of Physicians, 2017; SpO2 scale 1) so the nurse sees the score as she types.
// The server computes the score of record; this is the same table, shown early.
const bands = (v, table) => {
  for (const [max, points] of table) if (v <= max) return points;
  return table[table.length - 1][1];
};

export function news2(v) {
  const n = (x) => (x === '' || x === null || x === undefined ? null : Number(x));
  const rr = n(v.resp_rate), spo2 = n(v.spo2), sbp = n(v.systolic_bp), hr = n(v.heart_rate);
  // Temperature is read to one decimal, as on the chart (and as the server scores it).
  const t = v.temperature === '' || v.temperature == null ? null : Math.round(Number(v.temperature) * 10 + 1e-9) / 10;
  if ([rr, spo2, sbp, hr, t].some((x) => x === null || Number.isNaN(x)) || !v.consciousness) return null;
  const parts = [
    bands(rr, [[8, 3], [11, 1], [20, 0], [24, 2], [Infinity, 3]]),
    bands(spo2, [[91, 3], [93, 2], [95, 1], [Infinity, 0]]),
    v.on_oxygen ? 2 : 0,
    bands(sbp, [[90, 3], [100, 2], [110, 1], [219, 0], [Infinity, 3]]),
    bands(hr, [[40, 3], [50, 1], [90, 0], [110, 1], [130, 2], [Infinity, 3]]),
    v.consciousness === 'A' ? 0 : 3,
    bands(t, [[35.0, 3], [36.0, 1], [38.0, 0], [39.0, 1], [Infinity, 2]]),
  ];
  const score = parts.reduce((a, b) => a + b, 0);
  const band = score >= 7 ? 'high' : score >= 5 ? 'medium' : parts.includes(3) ? 'low_medium' : 'low';
  return { score, band };
}
