// Plan figures the page shows, from plan.json alone (docs/plan-format.md): first arrivals, unmet need
// by area and group with reasons, and what changed between two plans.

/** area -> hours from 00:00 of day 1 to its first delivery. */
export function firstArrivals(plan) {
  const out = new Map();
  for (const trip of plan.trips || []) {
    for (const st of trip.stops) {
      const at = st.arrive_h; // the plan's one clock: hours since 00:00 of day 1
      if (!out.has(st.area) || at < out.get(st.area)) out.set(st.area, at);
    }
  }
  return out;
}

/** Unmet need by area and group: [{area, group, kg, units, reasons: {reason: kg}, reason}], most kg first. */
export function unmetByAreaGroup(plan, kgPerUnit) {
  const rows = new Map();
  for (const u of plan.unmet || []) {
    const key = `${u.area}|${u.group}`;
    if (!rows.has(key)) rows.set(key, { area: u.area, group: u.group, kg: 0, units: 0, reasons: {} });
    const r = rows.get(key);
    const kg = u.units * (kgPerUnit[u.commodity] ?? 1);
    r.kg += kg;
    r.units += u.units;
    r.reasons[u.reason] = (r.reasons[u.reason] || 0) + kg;
  }
  const out = [...rows.values()].filter((r) => r.kg >= 0.5);
  for (const r of out) r.reason = Object.entries(r.reasons).sort((a, b) => b[1] - a[1])[0][0];
  return out.sort((a, b) => b.kg - a.kg);
}

// changes smaller than this are shown as no change (they round away in the table)
const TOLERANCE = { pct: 0.0005, hours: 0.05, num: 0.5, num2: 0.0005, idr: 500 };

const KPIS = [
  // key, getter, better when higher, format
  ["fill_rate", (k) => k.fill_rate, true, "pct"],
  ["min_area", (k) => k.min_area_fill_rate, true, "pct"],
  ["arrival_mean", (k) => k.arrival_h?.mean ?? null, false, "hours"],
  ["arrival_p90", (k) => k.arrival_h?.p90 ?? null, false, "hours"],
  ["arrival_max", (k) => k.arrival_h?.max ?? null, false, "hours"],
  ["weighted_unmet", (k) => k.weighted_unmet, false, "num"],
  ["gini", (k) => k.gini, false, "num2"],
  ["cost", (k) => k.cost, false, "idr"],
];

/** What changed from `before` to `after`: KPI rows, new unmet need (area, group) and later arrivals. */
export function comparePlans(before, after, kgPerUnit) {
  const kpis = KPIS.map(([key, get, higherBetter, format]) => {
    const a = get(before.kpis || {});
    const b = get(after.kpis || {});
    const delta = a === null || b === null ? null : b - a;
    const worse = delta !== null && Math.abs(delta) >= TOLERANCE[format] && (higherBetter ? delta < 0 : delta > 0);
    return { key, before: a, after: b, delta, worse, format };
  });
  const old = new Map(unmetByAreaGroup(before, kgPerUnit).map((r) => [`${r.area}|${r.group}`, r]));
  const newUnmet = [];
  for (const r of unmetByAreaGroup(after, kgPerUnit)) {
    const was = old.get(`${r.area}|${r.group}`)?.kg || 0;
    const extra = r.kg - was;
    if (extra >= Math.max(1, 0.01 * r.kg)) newUnmet.push({ ...r, before: was, extra });
  }
  newUnmet.sort((a, b) => b.extra - a.extra);
  const arrivalsBefore = firstArrivals(before);
  const arrivalsAfter = firstArrivals(after);
  const later = [];
  for (const [area, was] of arrivalsBefore) {
    const now = arrivalsAfter.has(area) ? arrivalsAfter.get(area) : null;
    if (now === null || now > was + 0.05) later.push({ area, before: was, after: now, delta: now === null ? null : now - was });
  }
  later.sort((a, b) => (b.delta ?? Infinity) - (a.delta ?? Infinity));
  return { kpis, newUnmet, later };
}
