// Charts in SVG: horizontal bars, grouped bars and box plots. Each has role="img" and a text label;
// the numbers are also in a table next to it.

import { t } from "./i18n.js";
import { fillColour, OKABE_ITO } from "./palette.js";
import { h, num, pct, s } from "./util.js";

const SERIES = ["blue", "orange", "green", "purple", "skyblue", "vermillion", "black", "yellow"].map((k) => OKABE_ITO[k]);

export function seriesColour(i) {
  return SERIES[i % SERIES.length];
}

/** Linear-interpolated quantile of sorted values. */
export function quantile(sorted, q) {
  if (!sorted.length) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function boxStats(values) {
  const v = values.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const q1 = quantile(v, 0.25);
  const med = quantile(v, 0.5);
  const q3 = quantile(v, 0.75);
  const iqr = q3 - q1;
  const lo = v.find((x) => x >= q1 - 1.5 * iqr);
  const hi = [...v].reverse().find((x) => x <= q3 + 1.5 * iqr);
  const outliers = v.filter((x) => x < lo || x > hi);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { n: v.length, min: v[0], max: v[v.length - 1], q1, med, q3, lo, hi, outliers, mean };
}

function niceTicks(max, count = 5) {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => st >= raw) || 10 * mag;
  const ticks = [];
  for (let x = 0; x <= max + step * 0.999; x += step) ticks.push(Number(x.toPrecision(12)));
  return ticks;
}

function label(x, y, text, attrs = {}) {
  return s("text", { x, y, class: "chart-text", ...attrs }, text);
}

/** A left margin that fits the longest label, within bounds;
 * longer labels are cut with an ellipsis (the whole name is in the mark's tooltip). */
const CHAR_W = 6.9; // an average character at 11 px (DejaVu Sans and the like are wide)

function labelMargin(labels, max = 250) {
  const longest = Math.max(0, ...labels.map((l) => String(l).length));
  return Math.min(max, Math.max(80, longest * CHAR_W + 14));
}

function cut(text, margin) {
  const room = Math.floor((margin - 14) / CHAR_W);
  const str = String(text);
  return str.length > room ? `${str.slice(0, Math.max(3, room - 1))}…` : str;
}

/** Horizontal bars of values in [0, 1] (fill rates), coloured by the fill-rate scale. */
export function fillBars(rows, { title = "" } = {}) {
  const W = 400;
  const left = 4;
  const barH = 12;
  const rowH = 31; // the label above its bar: long PMKS names stay readable
  const H = rows.length * rowH + 20;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart narrow", role: "img", "aria-label": title });
  const x = (v) => left + (W - left - 44) * v;
  for (const tk of [0, 0.5, 1]) {
    svg.append(s("line", { x1: x(tk), x2: x(tk), y1: 0, y2: H - 16, class: "grid" }));
    svg.append(label(x(tk), H - 3, pct(tk), { "text-anchor": tk === 0 ? "start" : tk === 1 ? "end" : "middle" }));
  }
  rows.forEach((r, i) => {
    const y = i * rowH + 15;
    svg.append(label(left, y - 3, r.label));
    const bar = s("rect", { x: left, y, width: Math.max(0, x(r.value ?? 0) - left), height: barH, fill: fillColour(r.value), stroke: "#555", "stroke-width": 0.6, class: "bar" });
    bar.append(s("title", { text: `${r.label}: ${pct(r.value, 1)}` }));
    svg.append(bar);
    svg.append(label(x(r.value ?? 0) + 4, y + barH - 2, pct(r.value), { class: "chart-text strong" }));
  });
  return svg;
}

/** Grouped horizontal bars: one row per category, one bar per series (values in [0, 1]). */
export function groupedBars(categories, series, { title = "" } = {}) {
  const W = 640;
  const left = labelMargin(categories.map((c) => c.label));
  const barH = 9;
  const rowGap = 10;
  const rowH = series.length * barH + rowGap;
  const longest = Math.max(0, ...series.map((se) => String(se.label).length)) * 6.2 + 30;
  const perRow = longest <= 210 ? 3 : longest <= 315 ? 2 : 1;
  const legendH = 18 * Math.ceil(series.length / perRow) + 6;
  const H = legendH + categories.length * rowH + 24;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": title });
  series.forEach((se, j) => {
    const lx = 10 + (j % perRow) * (630 / perRow);
    const ly = 14 + 18 * Math.floor(j / perRow);
    svg.append(s("rect", { x: lx, y: ly - 10, width: 12, height: 12, fill: seriesColour(j) }));
    svg.append(label(lx + 16, ly, se.label));
  });
  const x = (v) => left + (W - left - 50) * v;
  const top = legendH;
  for (const tk of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(s("line", { x1: x(tk), x2: x(tk), y1: top, y2: H - 18, class: "grid" }));
    svg.append(label(x(tk), H - 4, pct(tk), { "text-anchor": "middle" }));
  }
  categories.forEach((c, i) => {
    const y0 = top + i * rowH;
    svg.append(label(left - 6, y0 + (series.length * barH) / 2 + 4, cut(c.label, left), { "text-anchor": "end" }));
    series.forEach((se, j) => {
      const v = se.values[c.id];
      if (v === null || v === undefined) return;
      const bar = s("rect", { x: left, y: y0 + j * barH, width: Math.max(0.5, x(v) - left), height: barH - 1, fill: seriesColour(j) });
      bar.append(s("title", { text: `${c.label} · ${se.label}: ${pct(v, 1)}` }));
      svg.append(bar);
    });
  });
  return svg;
}

/** Box plots, one row per series (`values` arrays), on a shared axis from 0. When a few outliers lie
 * far out (beyond 3 times the largest whisker or mean), the axis stops short of them and they show as
 * a count with an arrow at the right edge, so that the boxes stay readable. */
export function boxPlots(series, { title = "", format = (v) => num(v), beyond = (n, v) => `${n} › ${v}` } = {}) {
  const W = 640;
  const left = labelMargin(series.map((se) => se.label));
  const rowH = 34;
  const H = series.length * rowH + 30;
  const stats = series.map((se) => boxStats(se.values));
  const present = stats.filter(Boolean);
  const max = Math.max(1e-9, ...present.map((st) => st.max));
  const body = Math.max(1e-9, ...present.map((st) => Math.max(st.hi, st.mean)));
  const limit = max > 3 * body ? body * 1.15 : max;
  const ticks = niceTicks(limit).filter((tk) => tk <= limit * 1.0001 || max <= limit);
  const top = max > limit ? limit : ticks[ticks.length - 1];
  const right = max > limit ? 150 : 20;
  const x = (v) => left + ((W - left - right) * Math.min(v, top)) / top;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": title });
  for (const tk of ticks) {
    svg.append(s("line", { x1: x(tk), x2: x(tk), y1: 0, y2: H - 22, class: "grid" }));
    svg.append(label(x(tk), H - 6, format(tk), { "text-anchor": "middle" }));
  }
  series.forEach((se, i) => {
    const st = stats[i];
    const cy = i * rowH + rowH / 2;
    svg.append(label(left - 8, cy + 4, cut(se.label, left), { "text-anchor": "end" }));
    if (!st) return;
    const colour = seriesColour(i);
    const g = s("g", { class: "box" });
    const tip = `${se.label}: n=${st.n}, ${t("stat.median")} ${format(st.med)}, Q1 ${format(st.q1)}, Q3 ${format(st.q3)}, ${t("stat.mean")} ${format(st.mean)}, ${t("stat.max")} ${format(st.max)}`;
    g.append(s("title", { text: tip }));
    g.append(s("line", { x1: x(st.lo), x2: x(st.q1), y1: cy, y2: cy, class: "whisker" }));
    g.append(s("line", { x1: x(st.q3), x2: x(st.hi), y1: cy, y2: cy, class: "whisker" }));
    for (const v of [st.lo, st.hi]) g.append(s("line", { x1: x(v), x2: x(v), y1: cy - 6, y2: cy + 6, class: "whisker" }));
    g.append(s("rect", { x: x(st.q1), y: cy - 10, width: Math.max(1, x(st.q3) - x(st.q1)), height: 20, fill: colour, "fill-opacity": 0.35, stroke: colour, "stroke-width": 2 }));
    g.append(s("line", { x1: x(st.med), x2: x(st.med), y1: cy - 10, y2: cy + 10, stroke: "#000", "stroke-width": 2.5 }));
    const mx = x(st.mean);
    g.append(s("path", { d: `M${mx},${cy - 5}L${mx + 5},${cy}L${mx},${cy + 5}L${mx - 5},${cy}Z`, fill: "#fff", stroke: "#000", "stroke-width": 1.2 }));
    const far = st.outliers.filter((o) => o > top);
    for (const o of st.outliers.filter((v) => v <= top)) g.append(s("circle", { cx: x(o), cy, r: 2.5, fill: "none", stroke: colour, "stroke-width": 1.2 }));
    if (far.length) {
      const ex = x(top) + 6;
      g.append(s("path", { d: `M${ex},${cy - 5}L${ex + 8},${cy}L${ex},${cy + 5}Z`, fill: colour, class: "beyond" }));
      g.append(label(ex + 11, cy + 4, beyond(far.length, format(Math.max(...far))), { class: "chart-text small" }));
    }
    svg.append(g);
  });
  return svg;
}

/** A Gantt chart of the vehicles over the horizon: one row per vehicle, a bar per trip from the start of
 * its work (the empty drive, drawn lighter) through departure to its return, rests drawn hatched; the
 * x axis in days of the plan's one clock. rows: [{label, colour, trips: [{start, depart, back, rests:
 * [[from, until]], title}]}]. */
export function gantt(rows, horizonH, { title = "", dayLabel = (d) => `${d}` } = {}) {
  const W = 720;
  const rowH = 16;
  const left = labelMargin(rows.map((r) => r.label), 200);
  const end = Math.max(horizonH, ...rows.flatMap((r) => r.trips.map((tr) => tr.back)));
  const H = rows.length * rowH + 24;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart gantt", role: "img", "aria-label": title });
  const x = (hrs) => left + ((W - left - 8) * hrs) / end;
  for (let d = 0; d * 24 <= end; d++) {
    svg.append(s("line", { x1: x(d * 24), x2: x(d * 24), y1: 0, y2: H - 16, class: d * 24 === horizonH ? "grid horizon" : "grid" }));
    if (d * 24 < end) svg.append(label(x(d * 24 + 12), H - 3, dayLabel(d + 1), { "text-anchor": "middle" }));
  }
  rows.forEach((r, i) => {
    const y = i * rowH + 3;
    svg.append(label(4, y + 10, cut(r.label, left), {}));
    for (const tr of r.trips) {
      const g = s("g", { class: "gantt-trip" });
      if (tr.depart > tr.start) g.append(s("rect", { x: x(tr.start), y, width: Math.max(0.5, x(tr.depart) - x(tr.start)), height: rowH - 4, fill: r.colour, opacity: 0.35, class: "empty" }));
      g.append(s("rect", { x: x(tr.depart), y, width: Math.max(1, x(tr.back) - x(tr.depart)), height: rowH - 4, fill: r.colour, stroke: "#333", "stroke-width": 0.4, class: "bar" }));
      for (const [a, b] of tr.rests) g.append(s("rect", { x: x(a), y: y + 2, width: Math.max(0.5, x(b) - x(a)), height: rowH - 8, fill: "#fff", opacity: 0.6, class: "rest" }));
      g.append(s("title", { text: tr.title }));
      svg.append(g);
    }
  });
  return svg;
}

export function chartFigure(caption, svg) {
  return h("figure", { class: "chart-figure" }, svg, h("figcaption", {}, caption));
}
