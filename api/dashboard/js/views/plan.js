// Plan view: run a plan (a job with a progress bar), then trips on the network coloured by vehicle
// type with stop order and ETAs, areas coloured by fill rate, KPI cards, fill rate by group, unmet need
// by area and group with reasons, and the downloads.

import { api, download, openHtml } from "../api.js";
import { chartFigure, fillBars, gantt } from "../charts.js";
import { firstArrivals, unmetByAreaGroup } from "../compare.js";
import { lookups } from "../details.js";
import { getLang, nameOf, reasonLabel, t } from "../i18n.js";
import { legendRow, vehicleLegend } from "../map.js";
import { FILL_BREAKS, FILL_COLOURS, fillColour, vehicleColours } from "../palette.js";
import { $, clear, clock, expandable, h, hours, idr, kg, num, pct, section, table, when } from "../util.js";

function settingsForm(app) {
  const st = app.state;
  const s = st.settings;
  const field = (id, labelKey, input) => h("div", { class: "field" }, h("label", { for: id }, t(labelKey)), input);
  const bind = (key) => (e) => (s[key] = e.target.value);
  const form = h(
    "form",
    {
      id: "plan-form",
      onsubmit: async (e) => {
        e.preventDefault();
        await runPlan(app, form.querySelector("button[type=submit]"));
      },
    },
    h(
      "div",
      { class: "fields" },
      field("set-time", "plan.time_limit", h("input", { id: "set-time", type: "number", min: "0.5", max: "120", step: "0.5", value: s.time_limit, oninput: bind("time_limit") })),
      field("set-iter", "plan.iterations", h("input", { id: "set-iter", type: "number", min: "1", step: "1", value: s.iterations, oninput: bind("iterations") })),
      field(
        "set-engine",
        "plan.engine",
        h(
          "select",
          { id: "set-engine", onchange: bind("engine") },
          ["pyvrp", "ortools"].map((e) => h("option", { value: e, selected: s.engine === e }, e)),
        ),
      ),
    ),
    h("button", { type: "submit", id: "plan-run", disabled: !!st.job }, t("plan.run")),
    h("div", { id: "job", class: "job", role: "status" }),
  );
  return form;
}

async function runPlan(app, button) {
  const st = app.state;
  button.disabled = true;
  try {
    const job = await api("/v1/plans", { method: "POST", body: { scenario_id: st.record, ...app.planParams() } });
    const final = await app.follow(job);
    if (final.status === "succeeded") {
      await app.loadPlan(final.plan_id);
      st.incident = null;
      st.incidentDoc = null;
      st.compare = null;
      st.latest = final;
      app.render();
      app.showProgress(final);
      app.status(t("plan.loaded"));
    }
  } catch (err) {
    app.fail(err);
  } finally {
    button.disabled = false;
  }
}

export function kpiCards(plan) {
  const k = plan.kpis || {};
  const a = k.arrival_h || {};
  const card = (id, label, value, sub) =>
    h("div", { class: "kpi", "data-kpi": id }, h("div", { class: "kpi-label" }, label), h("div", { class: "kpi-value" }, value), sub ? h("div", { class: "kpi-sub" }, sub) : null);
  return h(
    "div",
    { class: "kpis", id: "kpis" },
    ...["food", "water", "shelter"].map((c) =>
      card(`without_${c}`, t(`kpi.without.${c}`), num((k.person_days_without || {})[c] || 0), t("kpi.without.sub")),
    ),
    card("displaced_3d", t("kpi.displaced_3d"), k.displaced_covered_3d == null ? "–" : pct(k.displaced_covered_3d), t("kpi.displaced_3d.sub")),
    card("vulnerable_kk", t("kpi.vulnerable_kk"), k.vulnerable_households_reached == null ? "–" : pct(k.vulnerable_households_reached), null),
    card("cost_kk", t("kpi.cost_kk"), k.cost_per_household == null ? "–" : idr(k.cost_per_household), t("kpi.cost_kk.sub", { kk: num(k.households_served) })),
    card("fill_rate", t("kpi.fill_rate"), pct(k.fill_rate), t("kpi.fill_rate.sub")),
    card("min_area", t("kpi.min_area"), pct(k.min_area_fill_rate), null),
    card("arrival", t("kpi.arrival"), hours(a.mean), t("kpi.arrival.sub", { p90: hours(a.p90), max: hours(a.max) })),
    card("gini", t("kpi.gini"), num(k.gini, 2), t("kpi.gini.sub")),
    card("cost", t("kpi.cost"), idr(k.cost), t("kpi.cost.sub", { trips: num(k.trips), vehicles: num(k.vehicles_used) })),
    card("delivered", t("kpi.delivered"), kg(k.delivered_kg), `${t("kpi.weighted_unmet")}: ${num(k.weighted_unmet)}`),
  );
}

export function groupChart(doc, plan) {
  const L = lookups(doc);
  const rows = Object.entries(plan.kpis?.fill_rate_by_group || {})
    .map(([g, v]) => ({ id: g, label: nameOf(L.groups.get(g)) || g, value: v, w: L.groups.get(g)?.priority_weight || 0 }))
    .sort((a, b) => b.w - a.w || a.label.localeCompare(b.label));
  return chartFigure(t("plan.by_group"), fillBars(rows, { title: t("plan.by_group") }));
}

/** The vehicles' timelines over the horizon as a Gantt chart (one row per vehicle, in id order). */
export function vehicleGantt(app, plan) {
  const colours = app.vehicleColours();
  const byVehicle = new Map();
  for (const tr of plan.trips || []) {
    if (!byVehicle.has(tr.vehicle)) byVehicle.set(tr.vehicle, []);
    byVehicle.get(tr.vehicle).push(tr);
  }
  const rows = [...byVehicle.keys()].sort().map((v) => ({
    label: v,
    colour: colours[byVehicle.get(v)[0].vehicle_type],
    trips: byVehicle.get(v).map((tr) => ({
      start: tr.start_h ?? tr.depart_h,
      depart: tr.depart_h,
      back: tr.return_h,
      rests: (tr.rests || []).map((r) => [r.from_h, r.until_h]),
      title: t("plan.gantt_trip", { vehicle: v, trip: tr.trip, wh: tr.warehouse, from: clock(tr.depart_h), to: clock(tr.return_h), n: tr.stops.length }),
    })),
  }));
  if (!rows.length) return h("p", {}, t("plan.gantt_none"));
  const horizon = 24 * (app.doc()?.scenario?.horizon_days || Math.ceil(Math.max(...rows.flatMap((r) => r.trips.map((x) => x.back))) / 24));
  return chartFigure(t("plan.gantt_caption"), gantt(rows, horizon, { title: t("plan.gantt"), dayLabel: (d) => t("plan.day_n", { n: d }) }));
}

export function unmetTable(doc, plan) {
  const L = lookups(doc);
  const rows = unmetByAreaGroup(plan, L.kgPerUnit);
  if (!rows.length) return h("p", {}, t("plan.unmet.none"));
  return expandable(rows, 10, (shown) =>
    table(
      [{ label: t("plan.unmet.area") }, { label: t("plan.unmet.group") }, { label: t("plan.unmet.kg"), cls: "num" }, { label: t("plan.unmet.reason") }],
      shown.map((r) => {
        const reasons = Object.entries(r.reasons).sort((x, y) => y[1] - x[1]);
        const all = reasons.map(([reason, k]) => `${reasonLabel(reason)}: ${kg(k)}`).join("; ");
        return [
          L.areas.get(r.area)?.name || r.area,
          nameOf(L.groups.get(r.group)) || r.group,
          num(r.kg),
          h("span", { title: all }, reasonLabel(r.reason), reasons.length > 1 ? h("span", { class: "muted" }, ` +${reasons.length - 1}`) : null),
        ];
      }),
      { class: "compact", id: "unmet-table" },
    ),
  );
}

function tripList(app) {
  const st = app.state;
  const plan = st.plan;
  const days = [...new Set(plan.trips.map((tr) => tr.day))].sort((a, b) => a - b);
  const daySelect = h(
    "select",
    {
      id: "trip-day",
      onchange: (e) => {
        st.day = e.target.value === "" ? null : Number(e.target.value);
        app.map.setDay(st.day);
        const list = $("#trip-list");
        clear(list);
        list.append(renderTrips(app));
        clear($("#trip-stops"));
      },
    },
    h("option", { value: "", selected: st.day === null }, t("plan.all_days")),
    days.map((d) => h("option", { value: d, selected: st.day === d }, t("plan.day_n", { n: d }))),
  );
  return h(
    "div",
    {},
    h("div", { class: "row" }, h("label", { for: "trip-day" }, t("plan.day")), daySelect),
    h("div", { id: "trip-list" }, renderTrips(app)),
    h("div", { id: "trip-stops", "aria-live": "polite" }),
  );
}

function renderTrips(app) {
  const st = app.state;
  const colours = app.vehicleColours();
  const items = st.plan.trips.map((tr, k) => ({ tr, k })).filter(({ tr }) => st.day === null || st.day === undefined || tr.day === st.day);
  return expandable(items, 8, (shown) =>
    h(
      "ul",
      { class: "trips" },
      shown.map(({ tr, k }) =>
        h(
          "li",
          {},
          h(
            "button",
            { type: "button", class: "trip-button", "data-trip": k, "aria-pressed": "false", onclick: () => app.select({ kind: "trip", id: k }) },
            h("span", { class: "swatch-line", "aria-hidden": "true", dataset: { colour: colours[tr.vehicle_type] } }),
            h("span", { class: "trip-title" }, t("plan.trip_line", { vehicle: tr.vehicle, day: tr.day, trip: tr.trip })),
            h(
              "span",
              { class: "trip-sub" },
              t("plan.trip_sub", {
                n: tr.stops.length,
                kg: kg(tr.load_kg),
                from: clock(tr.depart_h),
                to: clock(tr.return_h),
              }),
            ),
          ),
        ),
      ),
    ),
  );
}

/** Show trip `k`: highlighted on the map with numbered stops; its stops and ETAs in the panel. */
export function showTrip(app, k) {
  const st = app.state;
  const trip = st.plan?.trips[k];
  if (!trip) return;
  if (st.day !== null && st.day !== undefined && trip.day !== st.day) {
    st.day = null;
    app.map.setDay(null);
  }
  app.map.showTrip(k);
  for (const b of document.querySelectorAll(".trip-button")) b.setAttribute("aria-pressed", String(Number(b.dataset.trip) === k));
  const box = $("#trip-stops");
  if (!box) return;
  const L = lookups(app.doc());
  clear(box);
  box.append(
    h("h3", {}, `${t("plan.stops")}: ${trip.vehicle}`),
    h(
      "ol",
      { class: "stops" },
      h("li", { class: "depart" }, t("plan.depart", { wh: L.warehouses.get(trip.warehouse)?.name || trip.warehouse, at: clock(trip.depart_h) })),
      trip.stops.map((s) =>
        h(
          "li",
          {},
          h("strong", {}, L.areas.get(s.area)?.name || s.area),
          ` · ${clock(s.arrive_h)} · `,
          Object.entries(s.deliver)
            .map(([c, u]) => `${num(u)} ${nameOf(L.commodities.get(c)) || c}`)
            .join(", "),
        ),
      ),
      h("li", { class: "return" }, t("plan.return", { at: clock(trip.return_h) })),
    ),
  );
}

function downloads(app) {
  const st = app.state;
  const id = st.planId;
  const lang = getLang();
  const b = (key, path, file) =>
    h(
      "button",
      {
        type: "button",
        class: "secondary",
        "data-download": key,
        onclick: () => download(path, file).catch((e) => app.fail(e)),
      },
      t(key),
    );
  const vehicles = [...new Set(st.plan.trips.map((tr) => tr.vehicle))].sort();
  const vehicleSelect = h(
    "select",
    { id: "dispatch-vehicle", "aria-label": t("plan.dl.dispatch") },
    vehicles.map((v) => h("option", { value: v }, v)),
  );
  return h(
    "div",
    { class: "downloads" },
    h(
      "div",
      { class: "buttons" },
      b("plan.dl.json", `/v1/plans/${id}`, `plan-${id}.json`),
      b("plan.dl.geojson", `/v1/plans/${id}.geojson`, `routes-${id}.geojson`),
      b("plan.dl.shipments", `/v1/plans/${id}/shipments.csv?lang=${lang}`, `shipments-${id}.csv`),
      b("plan.dl.unmet", `/v1/plans/${id}/unmet.csv?lang=${lang}`, `unmet-${id}.csv`),
      b("plan.dl.xlsx", `/v1/plans/${id}.xlsx?lang=${lang}`, `plan-${id}.xlsx`),
    ),
    vehicles.length
      ? h(
          "div",
          { class: "row" },
          h("label", { for: "dispatch-vehicle" }, t("plan.dl.dispatch")),
          vehicleSelect,
          h(
            "button",
            {
              type: "button",
              class: "secondary",
              onclick: () => {
                const path = vehicleSelect.value.split("/").map(encodeURIComponent).join("/");
                openHtml(`/v1/plans/${id}/dispatch/${path}?lang=${lang}`).catch((e) => app.fail(e));
              },
            },
            t("plan.dl.dispatch_open"),
          ),
        )
      : null,
  );
}

export function render(app, panel) {
  const st = app.state;
  if (!app.doc()) {
    panel.append(h("p", { class: "hint" }, t("plan.need_scenario")));
    return;
  }
  const latest =
    st.latest && st.latest.plan_id !== st.planId
      ? h(
          "div",
          { class: "row latest" },
          h("span", {}, t("plan.latest", { when: when(st.latest.finished_at || st.latest.created_at) })),
          h(
            "button",
            {
              type: "button",
              class: "secondary",
              id: "plan-open-latest",
              onclick: async () => {
                try {
                  await app.loadPlan(st.latest.plan_id);
                  app.render();
                } catch (err) {
                  app.fail(err);
                }
              },
            },
            t("plan.open_latest"),
          ),
        )
      : null;
  panel.append(section(t("plan.settings"), settingsForm(app), latest));
  if (st.job) app.showProgress(st.job);
  const plan = st.plan;
  if (!plan) {
    panel.append(h("p", { class: "hint" }, t("plan.none")));
    return;
  }
  const doc = app.doc();
  panel.append(
    section(
      t("plan.kpis"),
      h("p", { class: "muted", id: "plan-status" }, t("plan.status", { status: t(`plan.status.${plan.status}`), s: num(plan.solve_seconds, 1) })),
      kpiCards(plan),
    ),
    section(t("plan.by_group"), groupChart(doc, plan)),
    section(t("details.title"), h("div", { id: "details", "aria-live": "polite" }, app.details(st.selected))),
    section(t("plan.trips"), tripList(app)),
    section(t("plan.gantt"), vehicleGantt(app, plan)),
    section(t("plan.unmet"), unmetTable(doc, plan)),
    section(t("plan.downloads"), downloads(app)),
  );
  for (const el of panel.querySelectorAll(".swatch-line")) el.style.background = el.dataset.colour;
}

export function fillStyle(plan, doc) {
  const arrivals = firstArrivals(plan);
  const fills = plan.kpis?.fill_rate_by_area || {};
  return (a) => {
    const f = fills[a.id];
    const at = arrivals.get(a.id);
    return {
      fill: fillColour(f),
      dashed: at === undefined,
      title: `${a.name}: ${t("details.fill").toLowerCase()} ${pct(f)}, ${t("details.arrival").toLowerCase()} ${at === undefined ? t("incident.unserved") : clock(at)}`,
    };
  };
}

export function fillLegend() {
  const edges = [0, ...FILL_BREAKS, 1];
  return [
    h("strong", {}, t("legend.fill")),
    ...FILL_COLOURS.map((c, i) => legendRow("circle", c, `${pct(edges[i])} – ${pct(edges[i + 1])}`)),
  ];
}

export function drawPlanOn(app, map, plan, lines, doc) {
  const colours = vehicleColours(doc.vehicle_types);
  map.setTrips(plan.trips, lines, colours, doc.vehicle_types, app.state.day ?? null);
  map.setAreaStyle(fillStyle(plan, doc));
  const used = new Set(plan.trips.map((tr) => tr.vehicle_type));
  map.setLegend([...fillLegend(), h("strong", {}, t("legend.trips")), ...vehicleLegend(doc.vehicle_types, colours, used)]);
}

export function drawMap(app, map) {
  const st = app.state;
  map.setInteractive(false);
  map.setFocusEdges([]);
  if (!st.plan) {
    map.setTrips([], [], {}, []);
    map.setAreaStyle(() => ({ fill: "#bdbdbd" }));
    map.setLegend([]);
    return;
  }
  drawPlanOn(app, map, st.plan, st.lines, app.doc());
}
