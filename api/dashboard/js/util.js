// Small DOM and formatting helpers. No HTML strings from data: text goes in as text nodes.

import { locale, t } from "./i18n.js";

export const SVGNS = "http://www.w3.org/2000/svg";

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") el.textContent = v;
    else if (k === "class") el.setAttribute("class", v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "value" && "value" in el) el.value = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** An HTML element: h("button", {class: "x", onclick: f}, "text", child...). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** An SVG element. */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVGNS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function $(sel, root = document) {
  return root.querySelector(sel);
}

export function num(x, digits = 0) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(x);
}

export function pct(x, digits = 0) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: digits }).format(x);
}

/** kg as "340 kg" or "12,5 t". */
export function kg(x) {
  if (x === null || x === undefined) return "–";
  return Math.abs(x) >= 1000 ? `${num(x / 1000, x >= 100000 ? 0 : 1)} t` : `${num(x, 0)} kg`;
}

/** Rupiah, short: "Rp 58,1 jt" / "IDR 58.1 M". */
export function idr(x) {
  if (x === null || x === undefined) return "–";
  const id = locale() === "id-ID";
  const [div, unit] =
    Math.abs(x) >= 1e9 ? [1e9, id ? "M" : "bn"] : Math.abs(x) >= 1e6 ? [1e6, id ? "jt" : "M"] : [1, ""];
  return `${id ? "Rp" : "IDR"} ${num(x / div, div === 1e9 ? 2 : div > 1 ? 1 : 0)}${unit ? " " + unit : ""}`;
}

/** Hours since 00:00 of day 1 as "H1 09:05" (day and clock). */
export function clock(hours) {
  if (hours === null || hours === undefined || Number.isNaN(hours)) return "–";
  const day = Math.floor(hours / 24) + 1;
  const within = hours - (day - 1) * 24;
  const hh = Math.floor(within);
  const mm = Math.round((within - hh) * 60);
  const [H, M] = mm === 60 ? [hh + 1, 0] : [hh, mm];
  const d = locale() === "id-ID" ? "H" : "D";
  return `${d}${day} ${String(H).padStart(2, "0")}:${String(M).padStart(2, "0")}`;
}

/** A duration in hours: "9,0 j" / "9.0 h". */
export function hours(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  return `${num(x, 1)} ${locale() === "id-ID" ? "j" : "h"}`;
}

export function when(iso) {
  try {
    return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
  } catch {
    return iso;
  }
}

/** A definition list from [label, value] pairs. */
export function facts(pairs) {
  return h("dl", { class: "facts" }, pairs.filter(Boolean).map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

/** A table: columns [{label, cls}], rows of cells (Nodes or text). */
export function table(columns, rows, attrs = {}) {
  return h(
    "table",
    attrs,
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.cls }, c.label)))),
    h(
      "tbody",
      {},
      rows.map((r) => h("tr", r.attrs || {}, (r.cells || r).map((v, i) => h("td", { class: columns[i]?.cls }, v)))),
    ),
  );
}

/** A list cut to `n` rows with a "show all" toggle. */
export function expandable(items, n, render) {
  const box = h("div", { class: "expandable" });
  let open = false;
  const draw = () => {
    clear(box);
    box.append(render(open ? items : items.slice(0, n)));
    if (items.length > n) {
      box.append(
        h(
          "button",
          { class: "link", type: "button", onclick: () => ((open = !open), draw()) },
          open ? t("show_less") : t("show_all", { n: items.length }),
        ),
      );
    }
  };
  draw();
  return box;
}

export function section(title, ...children) {
  return h("section", { class: "card" }, h("h2", {}, title), ...children);
}

/** Scroll the side panel (when it scrolls by itself, as on a laptop) so that `el` shows; on a tablet
 * the panel is part of the page and the page is left where it is. */
export function reveal(el) {
  const panel = document.querySelector("#panel");
  if (!el || !panel || getComputedStyle(panel).overflowY !== "auto") return;
  const box = el.getBoundingClientRect();
  const view = panel.getBoundingClientRect();
  if (box.top < view.top) panel.scrollTop += box.top - view.top - 8;
  else if (box.bottom > view.bottom) panel.scrollTop += Math.min(box.bottom - view.bottom + 8, box.top - view.top - 8);
}
