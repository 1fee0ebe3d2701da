// The map: SVG drawn from the server's JSON (boundaries, network, places, plan routes). No tiles, no
// network access. Lon/lat map to x = lon * K, y = -lat * K (Kaltim straddles the equator, so the
// plain equirectangular projection is near true to scale). Zoom and pan change the viewBox; marks
// keep their screen size (non-scaling strokes, radii recomputed on zoom).

import { nameOf, t } from "./i18n.js";
import { DAMAGE, vehicleDash } from "./palette.js";
import { clear, clock, h, num, s } from "./util.js";

const K = 100;
const X = (lon) => lon * K;
const Y = (lat) => -lat * K;

function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function ringPath(ring) {
  return "M" + ring.map(([lon, lat]) => `${X(lon).toFixed(2)},${Y(lat).toFixed(2)}`).join("L") + "Z";
}

export class MapView {
  /** `onSelect({kind, id})` when an area, warehouse, link or trip is clicked or picked with Enter. */
  constructor(container, { onSelect = () => {}, label = "" } = {}) {
    this.container = container;
    this.onSelect = onSelect;
    this.doc = null;
    this.areaStyle = () => ({ fill: "#bdbdbd" });
    this.view = { x: 11400, y: -100, w: 600, h: 500 };
    this.linked = [];
    this.interactive = false;
    this.selected = null;
    this.trips = [];
    this.shownTrip = null;
    clear(container);
    container.classList.add("mapview");
    this.svg = s("svg", {
      class: "map-svg",
      role: "group",
      tabindex: "0",
      "aria-label": label || t("map.label"),
      preserveAspectRatio: "xMidYMid meet",
    });
    this.layers = {};
    for (const name of ["bounds", "network", "damage", "trips", "hits", "wh", "areas", "marks", "tripStops", "labels", "sel"]) {
      this.layers[name] = s("g", { class: `layer-${name}` });
      this.svg.append(this.layers[name]);
    }
    this.legendBody = h("div", { class: "legend-body" });
    this.legendToggle = h("button", { type: "button", class: "legend-toggle", "aria-expanded": "true" }, t("legend.title"));
    this.legendToggle.addEventListener("click", () => this.showLegend(this.legendToggle.getAttribute("aria-expanded") !== "true"));
    this.legend = h("div", { class: "legend" }, this.legendToggle, this.legendBody);
    this.controls = h(
      "div",
      { class: "map-controls" },
      h("button", { type: "button", "data-zoom": "in", "aria-label": t("map.zoom_in"), title: t("map.zoom_in") }, "+"),
      h("button", { type: "button", "data-zoom": "out", "aria-label": t("map.zoom_out"), title: t("map.zoom_out") }, "−"),
      h("button", { type: "button", "data-zoom": "fit", "aria-label": t("map.fit"), title: t("map.fit") }, "⤢"),
      h("button", { type: "button", "data-zoom": "province", "aria-label": t("map.province"), title: t("map.province") }, "⌂"),
    );
    this.caption = h("div", { class: "map-caption", hidden: true });
    container.append(this.svg, this.controls, this.legend, this.caption);
    this._wire();
    new ResizeObserver(() => this._apply()).observe(container);
  }

  relabel() {
    this.legendToggle.textContent = t("legend.title");
    for (const el of this.layers.hits.querySelectorAll("[tabindex]")) el.setAttribute("aria-label", this.edgeLabel(el.dataset.edge));
    this.svg.setAttribute("aria-label", this.label || t("map.label"));
    for (const b of this.controls.querySelectorAll("button")) {
      const key = { in: "map.zoom_in", out: "map.zoom_out", fit: "map.fit", province: "map.province" }[b.dataset.zoom];
      b.setAttribute("aria-label", t(key));
      b.title = t(key);
    }
  }

  setCaption(text) {
    this.caption.hidden = !text;
    this.caption.textContent = text || "";
  }

  // --- view box

  get scale() {
    const r = this.svg.getBoundingClientRect();
    if (!r.width || !r.height) return 1;
    return Math.min(r.width / this.view.w, r.height / this.view.h);
  }

  _apply(propagate = true) {
    const v = this.view;
    this.svg.setAttribute("viewBox", `${v.x} ${v.y} ${v.w} ${v.h}`);
    this._rescale();
    if (propagate) for (const other of this.linked) other.setView({ ...v }, false);
  }

  setView(view, propagate = true) {
    this.view = view;
    this._apply(propagate);
  }

  /** Keep another map's view the same as this one's (both ways). */
  link(other) {
    if (!this.linked.includes(other)) this.linked.push(other);
    if (!other.linked.includes(this)) other.linked.push(this);
    other.setView({ ...this.view }, false);
  }

  unlinkAll() {
    for (const o of this.linked) o.linked = o.linked.filter((m) => m !== this);
    this.linked = [];
  }

  fit(bounds, pad = 0.12, minSpan = 0.06) {
    if (!bounds) return;
    let [x0, y0, x1, y1] = bounds;
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    const sx = Math.max(x1 - x0, minSpan) * (1 + 2 * pad);
    const sy = Math.max(y1 - y0, minSpan) * (1 + 2 * pad);
    [x0, x1, y0, y1] = [cx - sx / 2, cx + sx / 2, cy - sy / 2, cy + sy / 2];
    const r = this.svg.getBoundingClientRect();
    let w = X(x1) - X(x0);
    let hgt = Y(y0) - Y(y1);
    const aspect = r.width && r.height ? r.width / r.height : 1.4;
    if (w / hgt < aspect) w = hgt * aspect;
    else hgt = w / aspect;
    this.setView({ x: X(cx) - w / 2, y: Y(cy) - hgt / 2, w, h: hgt });
  }

  /** Fit the affected areas, and `extra` [lon, lat] points too (e.g. a link just reported). */
  fitAreas(extra = []) {
    if (!this.doc) return;
    const b = [...(this.doc.area_bounds || this.doc.bounds)];
    for (const p of extra.filter(Boolean)) {
      b[0] = Math.min(b[0], p[0]);
      b[1] = Math.min(b[1], p[1]);
      b[2] = Math.max(b[2], p[0]);
      b[3] = Math.max(b[3], p[1]);
    }
    this.fit(b);
  }

  fitProvince() {
    if (this.provinceBounds) this.fit(this.provinceBounds, 0.02, 0.5);
    else if (this.doc) this.fit(this.doc.bounds, 0.05, 0.5);
  }

  zoom(factor, cx, cy) {
    const v = this.view;
    const px = cx ?? v.x + v.w / 2;
    const py = cy ?? v.y + v.h / 2;
    const w = Math.min(Math.max(v.w / factor, 0.5), 2000);
    const f = v.w / w;
    const hgt = v.h / f;
    this.setView({ x: px - (px - v.x) / f, y: py - (py - v.y) / f, w, h: hgt });
  }

  pan(dx, dy) {
    const v = this.view;
    this.setView({ ...v, x: v.x + dx * v.w, y: v.y + dy * v.h });
  }

  _toMap(clientX, clientY) {
    const p = this.svg.createSVGPoint();
    p.x = clientX;
    p.y = clientY;
    const m = this.svg.getScreenCTM();
    return m ? p.matrixTransform(m.inverse()) : { x: 0, y: 0 };
  }

  _wire() {
    const svg = this.svg;
    let drag = null;
    svg.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, view: { ...this.view }, moved: false, id: e.pointerId };
    });
    svg.addEventListener("pointermove", (e) => {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 5) return;
      if (!drag.moved) svg.setPointerCapture(drag.id);
      drag.moved = true;
      const sc = this.scale;
      this.setView({ ...drag.view, x: drag.view.x - dx / sc, y: drag.view.y - dy / sc });
    });
    const end = () => {
      if (drag?.moved) {
        this.suppressClick = true;
        setTimeout(() => (this.suppressClick = false), 0);
      }
      drag = null;
    };
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", end);
    svg.addEventListener(
      "wheel",
      (e) => {
        e.preventDefault();
        const p = this._toMap(e.clientX, e.clientY);
        this.zoom(Math.pow(1.2, -e.deltaY / 100), p.x, p.y);
      },
      { passive: false },
    );
    svg.addEventListener("click", (e) => {
      if (this.suppressClick) return;
      const hit = this._hit(e.target);
      if (hit) this.onSelect(hit);
    });
    svg.addEventListener("focusin", (e) => {
      // a place or link reached with Tab comes into view
      const hit = this._hit(e.target);
      const p = hit && this.position(hit);
      if (!p) return;
      const v = this.view;
      if (X(p[0]) < v.x || X(p[0]) > v.x + v.w || Y(p[1]) < v.y || Y(p[1]) > v.y + v.h) this.centreOn(hit);
    });
    svg.addEventListener("keydown", (e) => {
      const hit = this._hit(e.target);
      if (hit && (e.key === "Enter" || e.key === " ")) {
        e.preventDefault();
        this.onSelect(hit);
        return;
      }
      const moves = { ArrowLeft: [-0.15, 0], ArrowRight: [0.15, 0], ArrowUp: [0, -0.15], ArrowDown: [0, 0.15] };
      if (moves[e.key]) {
        e.preventDefault();
        this.pan(...moves[e.key]);
      } else if (e.key === "+" || e.key === "=") {
        this.zoom(1.4);
      } else if (e.key === "-" || e.key === "_") {
        this.zoom(1 / 1.4);
      } else if (e.key === "0") {
        this.fitAreas();
      }
    });
    this.controls.addEventListener("click", (e) => {
      const b = e.target.closest("button");
      if (!b) return;
      const z = b.dataset.zoom;
      if (z === "in") this.zoom(1.5);
      else if (z === "out") this.zoom(1 / 1.5);
      else if (z === "fit") this.fitAreas();
      else this.fitProvince();
    });
  }

  _hit(target) {
    const el = target.closest?.("[data-area],[data-wh],[data-edge],[data-trip]");
    if (!el || !this.svg.contains(el)) return null;
    if (el.dataset.area) return { kind: "area", id: el.dataset.area };
    if (el.dataset.wh) return { kind: "warehouse", id: el.dataset.wh };
    if (el.dataset.edge) return { kind: "edge", id: el.dataset.edge };
    return { kind: "trip", id: Number(el.dataset.trip) };
  }

  // --- layers

  setBoundaries(b) {
    if (!b) return;
    const parts = [];
    const boxes = [];
    for (const f of b.kabupaten.features) {
      for (const poly of f.geometry.coordinates) {
        parts.push(`<path class="kab" d="${poly.map(ringPath).join("")}"/>`);
        for (const [lon, lat] of poly[0]) boxes.push([lon, lat]);
      }
    }
    for (const f of b.kecamatan.features) {
      parts.push(`<path class="kec" d="${f.geometry.coordinates.map((p) => p.map(ringPath).join("")).join("")}"/>`);
    }
    for (const f of b.kabupaten.features) {
      parts.push(`<path class="kab-line" d="${f.geometry.coordinates.map((p) => p.map(ringPath).join("")).join("")}"/>`);
    }
    this.layers.bounds.innerHTML = parts.join("");
    this.kabLabels = b.kabupaten.features
      .filter((f) => f.properties.label)
      .map((f) => ({ at: f.properties.label, text: f.properties.short_name || f.properties.name }));
    if (boxes.length) {
      const lons = boxes.map((p) => p[0]);
      const lats = boxes.map((p) => p[1]);
      this.provinceBounds = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
    }
    this._labels();
  }

  /** The scenario's map document (api/dashboard/map_document.py): network, damage, areas, warehouses. */
  setScenario(doc) {
    if (doc === this.doc) return;
    const first = !this.doc || this.doc.scenario.record !== doc.scenario.record;
    this.doc = doc;
    this.areaIndex = new Map(doc.areas.map((a, i) => [a.id, i]));
    this.whIndex = new Map(doc.warehouses.map((w, i) => [w.id, i]));
    this.edgeIndex = new Map(doc.edges.id.map((id, i) => [id, i]));
    this._network();
    this.setDamage(doc.damage);
    this._places();
    this._nodeKeys = null;
    if (first) this.fitAreas();
    else this._rescale();
  }

  _edgeXY(i) {
    const { nodes, edges } = this.doc;
    const a = edges.source[i];
    const b = edges.target[i];
    return [X(nodes.lon[a]), Y(nodes.lat[a]), X(nodes.lon[b]), Y(nodes.lat[b])];
  }

  _network() {
    const { edges } = this.doc;
    const lines = [];
    const hits = [];
    for (let i = 0; i < edges.id.length; i++) {
      const [x1, y1, x2, y2] = this._edgeXY(i).map((v) => v.toFixed(3));
      const cls = `e m-${edges.mode[i]} c-${edges.road_class[i] || "none"}`;
      lines.push(`<line class="${cls}" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"/>`);
      hits.push(`<line class="hit" data-edge="${esc(edges.id[i])}" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"/>`);
    }
    this.layers.network.innerHTML = lines.join("");
    this.layers.hits.innerHTML = hits.join("");
    this.hitEls = new Map([...this.layers.hits.children].map((el) => [el.dataset.edge, el]));
  }

  edgeName(id) {
    const i = this.edgeIndex?.get(id);
    if (i === undefined) return id;
    const { nodes, edges } = this.doc;
    const a = nodes.name[edges.source[i]] || nodes.id[edges.source[i]];
    const b = nodes.name[edges.target[i]] || nodes.id[edges.target[i]];
    return `${a} – ${b}`;
  }

  edgeLabel(id) {
    const i = this.edgeIndex.get(id);
    const { edges } = this.doc;
    return `${t("details.link")} ${id}: ${this.edgeName(id)}, ${t(`mode.${edges.mode[i]}`)}, ${num(edges.length_km[i], 1)} km`;
  }

  setDamage(damage) {
    this.damage = new Map((damage || []).map((d) => [d.edge, d]));
    const parts = [];
    const marks = [];
    for (const d of damage || []) {
      const i = this.edgeIndex.get(d.edge);
      if (i === undefined) continue;
      const [x1, y1, x2, y2] = this._edgeXY(i);
      const cls = d.state === "closed" ? "dmg closed" : "dmg degraded";
      parts.push(`<line class="${cls}" x1="${x1.toFixed(3)}" y1="${y1.toFixed(3)}" x2="${x2.toFixed(3)}" y2="${y2.toFixed(3)}"/>`);
      if (d.state === "closed") {
        // the x mark sits above the places, so that a closed link next to an area still shows
        marks.push(`<g class="closed-mark" data-x="${(x1 + x2) / 2}" data-y="${(y1 + y2) / 2}"><path d=""/></g>`);
      }
    }
    this.layers.damage.innerHTML = parts.join("");
    this.layers.marks.innerHTML = marks.join("");
    this._focusables();
    this._rescale();
  }

  /** Links that take keyboard focus: damaged ones and those the shown trips use (plus `extra`). */
  setFocusEdges(ids) {
    this.focusEdges = new Set(ids || []);
    this._focusables();
  }

  setInteractive(on) {
    this.interactive = on;
    this.svg.classList.toggle("interactive", on);
    this._focusables();
  }

  _focusables() {
    if (!this.hitEls) return;
    const want = new Set([...(this.damage?.keys() || []), ...(this.focusEdges || [])]);
    for (const [id, el] of this.hitEls) {
      if (want.has(id)) {
        if (!el.hasAttribute("tabindex")) {
          el.setAttribute("tabindex", "0");
          el.setAttribute("role", "button");
          el.setAttribute("aria-label", this.edgeLabel(id));
        }
      } else if (el.hasAttribute("tabindex")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("role");
        el.removeAttribute("aria-label");
      }
    }
  }

  _places() {
    const { areas, warehouses } = this.doc;
    const maxPeople = Math.max(1, ...areas.map((a) => a.total_people));
    this.areaRadius = new Map(areas.map((a) => [a.id, 5 + 15 * Math.sqrt(a.total_people / maxPeople)]));
    // warehouses at the same place sit on a small ring around it
    const groups = new Map();
    for (const w of warehouses) {
      if (w.lat === null) continue;
      const key = `${w.lat.toFixed(3)},${w.lon.toFixed(3)}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(w.id);
    }
    this.whOffset = new Map();
    for (const ids of groups.values()) {
      ids.forEach((id, k) => {
        const n = ids.length;
        const a = (2 * Math.PI * k) / n - Math.PI / 2;
        this.whOffset.set(id, n > 1 ? [Math.cos(a) * 11, Math.sin(a) * 11] : [0, 0]);
      });
    }
    clear(this.layers.wh);
    for (const w of warehouses) {
      if (w.lat === null) continue;
      const stockKg = Object.values(w.stock || {}).reduce((x, y) => x + y, 0);
      this.layers.wh.append(
        s(
          "rect",
          {
            class: "wh",
            "data-wh": w.id,
            tabindex: "0",
            role: "button",
            "aria-label": `${t("details.warehouse")} ${w.name}`,
          },
          s("title", { text: `${w.name} (${num(stockKg)} ${t("details.units").toLowerCase()})` }),
        ),
      );
    }
    clear(this.layers.areas);
    const order = [...areas].sort((a, b) => b.total_people - a.total_people); // small on top
    for (const a of order) {
      if (a.lat === null) continue;
      this.layers.areas.append(
        s(
          "circle",
          { class: "area", "data-area": a.id, cx: X(a.lon), cy: Y(a.lat), tabindex: "0", role: "button" },
          s("title", {}),
        ),
      );
    }
    this.restyleAreas();
    this._labels();
  }

  /** Colour (and title) of each area: `style(area) -> {fill, title, dashed}`. */
  setAreaStyle(style) {
    this.areaStyle = style;
    this.restyleAreas();
  }

  restyleAreas() {
    if (!this.doc) return;
    for (const el of this.layers.areas.children) {
      const a = this.doc.areas[this.areaIndex.get(el.dataset.area)];
      const st = this.areaStyle(a) || {};
      el.setAttribute("fill", st.fill || "#bdbdbd");
      el.classList.toggle("unserved", !!st.dashed);
      const title = st.title || `${a.name}: ${num(a.total_people)} ${t("details.people").toLowerCase()}`;
      el.firstChild.textContent = title;
      el.setAttribute("aria-label", `${t("details.area")} ${title}`);
    }
  }

  _labels() {
    const parts = [];
    for (const l of this.kabLabels || []) {
      parts.push(`<text class="kab-label" x="${X(l.at[0])}" y="${Y(l.at[1])}">${esc(l.text)}</text>`);
    }
    if (this.doc) {
      for (const a of this.doc.areas) {
        if (a.lat === null) continue;
        parts.push(`<text class="area-label" data-for="${esc(a.id)}" x="${X(a.lon)}" y="${Y(a.lat)}">${esc(a.name)}</text>`);
      }
    }
    this.layers.labels.innerHTML = parts.join("");
    this._rescale();
  }

  // --- plan

  /** Trips of a plan with their GeoJSON lines (same order as plan.trips); `day` null: every day. */
  setTrips(trips, lines, colours, vehicleTypes, day = null) {
    this.trips = trips || [];
    this.tripLines = lines || [];
    this.colours = colours || {};
    this.vtIndex = new Map((vehicleTypes || []).map((v) => [v.id, v]));
    this.day = day;
    this.shownTrip = null;
    this._drawTrips();
  }

  setDay(day) {
    this.day = day;
    this.shownTrip = null;
    this._drawTrips();
  }

  _drawTrips() {
    const parts = [];
    const casings = [];
    this.trips.forEach((trip, k) => {
      if (this.day !== null && trip.day !== this.day) return;
      const coords = this.tripLines[k];
      if (!coords || coords.length < 2) return;
      const pts = coords.map(([lon, lat]) => `${X(lon).toFixed(3)},${Y(lat).toFixed(3)}`).join(" ");
      const dash = vehicleDash(this.vtIndex.get(trip.vehicle_type));
      casings.push(`<polyline class="trip-case" data-case="${k}" points="${pts}"/>`);
      parts.push(
        `<polyline class="trip" data-trip="${k}" points="${pts}" stroke="${this.colours[trip.vehicle_type] || "#000"}"` +
          (dash ? ` stroke-dasharray="${dash}"` : "") +
          "/>",
      );
    });
    this.layers.trips.innerHTML = casings.join("") + parts.join("");
    this.layers.trips.classList.toggle("dim", this.shownTrip !== null);
    this._drawStops();
  }

  /** Highlight trip `k` (index into the plan's trips) with its stops in order; null: none. */
  showTrip(k) {
    this.shownTrip = k;
    for (const el of this.layers.trips.children) {
      el.classList.toggle("on", Number(el.dataset.trip ?? el.dataset.case) === k);
    }
    this.layers.trips.classList.toggle("dim", k !== null);
    this._drawStops();
    const coords = k === null ? null : this.tripLines[k];
    if (coords?.length) {
      const lons = coords.map((c) => c[0]);
      const lats = coords.map((c) => c[1]);
      const b = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
      this.fit(b, 0.25, 0.03);
    }
  }

  _drawStops() {
    clear(this.layers.tripStops);
    const k = this.shownTrip;
    if (k === null || !this.trips[k] || !this.doc) return;
    const trip = this.trips[k];
    trip.stops.forEach((st, i) => {
      const a = this.doc.areas[this.areaIndex.get(st.area)];
      if (!a || a.lat === null) return;
      this.layers.tripStops.append(
        s(
          "g",
          { class: "stop", "data-x": X(a.lon), "data-y": Y(a.lat) },
          s("circle", { r: 0 }),
          s("text", { class: "stop-no", text: String(i + 1) }),
          s("text", { class: "stop-eta", text: clock(st.arrive_h) }),
        ),
      );
    });
    this._rescale();
  }

  /** Edge ids along lines of [lon, lat] positions (the routes follow the network's nodes). */
  edgesAlong(lines) {
    if (!this.doc) return new Set();
    if (!this._nodeKeys) {
      const { nodes, edges } = this.doc;
      this._nodeKeys = new Map();
      nodes.lon.forEach((lon, i) => {
        const key = `${lon},${nodes.lat[i]}`;
        if (!this._nodeKeys.has(key)) this._nodeKeys.set(key, []);
        this._nodeKeys.get(key).push(i);
      });
      this._pairs = new Map();
      edges.id.forEach((id, i) => {
        const a = edges.source[i];
        const b = edges.target[i];
        this._pairs.set(a < b ? `${a}-${b}` : `${b}-${a}`, id);
      });
    }
    const used = new Set();
    for (const coords of lines) {
      for (let i = 1; i < (coords || []).length; i++) {
        const from = this._nodeKeys.get(`${coords[i - 1][0]},${coords[i - 1][1]}`) || [];
        const to = this._nodeKeys.get(`${coords[i][0]},${coords[i][1]}`) || [];
        for (const a of from)
          for (const b of to) {
            const id = this._pairs.get(a < b ? `${a}-${b}` : `${b}-${a}`);
            if (id) used.add(id);
          }
      }
    }
    return used;
  }

  // --- selection

  select(item) {
    this.selected = item;
    this._drawSelection();
  }

  _drawSelection() {
    clear(this.layers.sel);
    const it = this.selected;
    if (!it || !this.doc) return;
    if (it.kind === "edge") {
      const i = this.edgeIndex.get(it.id);
      if (i === undefined) return;
      const [x1, y1, x2, y2] = this._edgeXY(i);
      this.layers.sel.append(s("line", { class: "sel-edge", x1, y1, x2, y2 }));
    } else if (it.kind === "area") {
      const a = this.doc.areas[this.areaIndex.get(it.id)];
      if (a?.lat !== null) this.layers.sel.append(s("circle", { class: "sel-ring", "data-for": it.id, cx: X(a.lon), cy: Y(a.lat) }));
    } else if (it.kind === "warehouse") {
      const w = this.doc.warehouses[this.whIndex.get(it.id)];
      if (w?.lat !== null) this.layers.sel.append(s("circle", { class: "sel-ring wh-ring", "data-wh-for": it.id }));
    }
    this._rescale();
  }

  /** Centre the view on an item without changing the zoom. */
  centreOn(item) {
    const p = this.position(item);
    if (!p) return;
    const v = this.view;
    this.setView({ ...v, x: X(p[0]) - v.w / 2, y: Y(p[1]) - v.h / 2 });
  }

  position(item) {
    if (!this.doc) return null;
    if (item.kind === "area") {
      const a = this.doc.areas[this.areaIndex.get(item.id)];
      return a && a.lat !== null ? [a.lon, a.lat] : null;
    }
    if (item.kind === "warehouse") {
      const w = this.doc.warehouses[this.whIndex.get(item.id)];
      return w && w.lat !== null ? [w.lon, w.lat] : null;
    }
    if (item.kind === "edge") {
      const i = this.edgeIndex.get(item.id);
      if (i === undefined) return null;
      const { nodes, edges } = this.doc;
      const a = edges.source[i];
      const b = edges.target[i];
      return [(nodes.lon[a] + nodes.lon[b]) / 2, (nodes.lat[a] + nodes.lat[b]) / 2];
    }
    return null;
  }

  // --- marks at screen size

  _rescale() {
    const sc = this.scale;
    if (!this.doc && !this.kabLabels) return;
    const px = (n) => n / sc;
    if (this.doc) {
      for (const el of this.layers.areas.children) el.setAttribute("r", px(this.areaRadius.get(el.dataset.area) || 6));
      for (const el of this.layers.wh.children) {
        const w = this.doc.warehouses[this.whIndex.get(el.dataset.wh)];
        const [ox, oy] = this.whOffset.get(w.id) || [0, 0];
        const size = px(9);
        el.setAttribute("x", X(w.lon) + px(ox) - size / 2);
        el.setAttribute("y", Y(w.lat) + px(oy) - size / 2);
        el.setAttribute("width", size);
        el.setAttribute("height", size);
      }
      for (const g of this.layers.marks.children) {
        const x = Number(g.dataset.x);
        const y = Number(g.dataset.y);
        const d = px(6);
        g.firstChild.setAttribute("d", `M${x - d},${y - d}L${x + d},${y + d}M${x - d},${y + d}L${x + d},${y - d}`);
      }
      for (const g of this.layers.tripStops.children) {
        const x = Number(g.dataset.x);
        const y = Number(g.dataset.y);
        const [c, no, eta] = g.children;
        c.setAttribute("cx", x);
        c.setAttribute("cy", y);
        c.setAttribute("r", px(9));
        no.setAttribute("x", x);
        no.setAttribute("y", y + px(4));
        no.setAttribute("font-size", px(11));
        eta.setAttribute("x", x + px(12));
        eta.setAttribute("y", y - px(8));
        eta.setAttribute("font-size", px(11));
      }
      for (const el of this.layers.sel.querySelectorAll(".sel-ring")) {
        if (el.dataset.for) el.setAttribute("r", px((this.areaRadius.get(el.dataset.for) || 6) + 5));
        if (el.dataset.whFor) {
          const w = this.doc.warehouses[this.whIndex.get(el.dataset.whFor)];
          const [ox, oy] = this.whOffset.get(w.id) || [0, 0];
          el.setAttribute("cx", X(w.lon) + px(ox));
          el.setAttribute("cy", Y(w.lat) + px(oy));
          el.setAttribute("r", px(10));
        }
      }
    }
    const zoomedIn = sc * K > 3000; // more than 30 px per km: room for place names
    for (const el of this.layers.labels.children) {
      if (el.classList.contains("kab-label")) {
        el.setAttribute("font-size", px(12));
        el.style.display = sc * K > 6000 ? "none" : "";
      } else {
        el.setAttribute("font-size", px(11));
        el.setAttribute("dy", px(-((this.areaRadius?.get(el.dataset.for) || 6) + 4)));
        el.style.display = zoomedIn ? "" : "none";
      }
    }
  }

  // --- legend

  setLegend(items) {
    clear(this.legendBody);
    this.legendBody.append(...items.filter(Boolean));
    this.legend.hidden = !items.length;
  }

  /** Open or fold the legend (folded, only its button shows). */
  showLegend(open) {
    this.legendToggle.setAttribute("aria-expanded", String(open));
    this.legendBody.hidden = !open;
  }
}

/** Legend rows: a swatch (circle, square, line) and its text. */
export function legendRow(kind, colour, text, extra = {}) {
  const sw = s("svg", { width: 22, height: 14, "aria-hidden": "true", class: "swatch" });
  if (kind === "circle") sw.append(s("circle", { cx: 11, cy: 7, r: extra.r || 6, fill: colour, stroke: "#222", "stroke-width": 1 }));
  else if (kind === "square") sw.append(s("rect", { x: 6, y: 2, width: 10, height: 10, fill: colour, stroke: "#fff", "stroke-width": 1.5 }));
  else {
    sw.append(
      s("line", {
        x1: 1,
        y1: 7,
        x2: 21,
        y2: 7,
        stroke: colour,
        "stroke-width": extra.width || 3,
        "stroke-dasharray": extra.dash || null,
        "stroke-opacity": extra.opacity || null,
      }),
    );
    if (extra.cross) sw.append(s("path", { d: "M8,3L14,11M8,11L14,3", stroke: "#000", "stroke-width": 1.6 }));
  }
  return h("div", { class: "legend-row" }, sw, h("span", {}, text));
}

export function networkLegend() {
  return [
    legendRow("line", "#9a9a9a", t("legend.road"), { width: 2 }),
    legendRow("line", "#56B4E9", t("legend.river"), { width: 2 }),
    legendRow("line", "#0072B2", t("legend.ferry"), { width: 2, dash: "5 3" }),
    legendRow("line", "#CC79A7", t("legend.air"), { width: 2, dash: "1 3" }),
    legendRow("line", DAMAGE.degraded, t("legend.degraded"), { width: 7, opacity: 0.45 }),
    legendRow("line", DAMAGE.closed, t("legend.closed"), { width: 8, cross: true, opacity: 0.8 }),
    legendRow("square", "#222", t("legend.warehouse")),
  ];
}

export function vehicleLegend(vehicleTypes, colours, used) {
  return vehicleTypes
    .filter((v) => !used || used.has(v.id))
    .map((v) => legendRow("line", colours[v.id], nameOf(v), { dash: vehicleDash(v) }));
}

