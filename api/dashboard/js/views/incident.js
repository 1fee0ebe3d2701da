// Incident view: report what changed (close, slow or reopen a link by clicking it; change an area's
// people; record stock received). Each report is an update of the incident and starts a re-plan (a job
// with a progress bar); the new plan is shown beside the old one with what changed.

import { api } from "../api.js";
import { comparePlans } from "../compare.js";
import { edgeState, lookups } from "../details.js";
import { nameOf, reasonLabel, t } from "../i18n.js";
import { $, clear, clock, h, hours, idr, kg, num, pct, reveal, section, table, when } from "../util.js";
import { drawPlanOn } from "./plan.js";

function field(id, label, input) {
  return h("div", { class: "field" }, h("label", { for: id }, label), input);
}

async function sendUpdate(app, kind, payload) {
  const st = app.state;
  const buttons = [...document.querySelectorAll("#panel button")];
  buttons.forEach((b) => (b.disabled = true));
  try {
    const doc = app.doc();
    if (!st.incident) {
      const name = `${doc.scenario.name} · ${when(new Date().toISOString())}`;
      st.incident = await api("/v1/incidents", { method: "POST", body: { scenario_id: st.record, name, plan_id: st.planId } });
    }
    const before = { plan: st.plan, planId: st.planId, lines: st.lines, doc };
    const accepted = await api(`/v1/incidents/${st.incident.id}/updates`, {
      method: "POST",
      body: { kind, payload, replan: app.planParams() },
    });
    await app.openIncident(st.incident.id);
    app.status(t("incident.sent", { seq: accepted.update.seq }));
    st.job = accepted.job;
    app.render();
    const final = await app.follow(accepted.job);
    if (final.status === "succeeded") {
      await app.openIncident(st.incident.id);
      await app.loadPlan(final.plan_id);
      st.compare = { before, update: accepted.update };
      app.render();
      app.showProgress(final);
      app.status(t("job.succeeded"));
    }
  } catch (err) {
    app.fail(err);
  } finally {
    for (const b of document.querySelectorAll("#panel button")) b.disabled = false;
  }
}

function linkForm(app) {
  const st = app.state;
  const item = st.selected;
  if (item?.kind !== "edge") return h("p", { class: "hint" }, t("incident.pick_link"));
  const d = app.map.damage?.get(item.id);
  const factor = h("input", { id: "link-factor", type: "number", min: "0.05", max: "1", step: "0.05", value: "0.5" });
  const weight = h("input", { id: "link-weight", type: "number", min: "0.1", step: "0.5", value: "" });
  return h(
    "div",
    { "data-link": item.id },
    h("p", {}, h("strong", {}, item.id), ` · ${app.map.edgeName(item.id)}`),
    h("p", {}, `${t("details.state")}: `, h("span", { class: d?.state === "closed" ? "bad" : "" }, edgeState(d))),
    h("div", { class: "fields" }, field("link-factor", t("incident.speed_factor"), factor), field("link-weight", t("incident.max_weight"), weight)),
    h(
      "div",
      { class: "buttons" },
      h("button", { type: "button", id: "link-close", class: "danger", onclick: () => sendUpdate(app, "road_closed", { edge: item.id }) }, t("incident.close_link")),
      h(
        "button",
        {
          type: "button",
          id: "link-degrade",
          onclick: () => {
            const payload = { edge: item.id, speed_factor: Number(factor.value) };
            if (Number(weight.value) > 0) payload.max_weight_t = Number(weight.value);
            sendUpdate(app, "road_degraded", payload);
          },
        },
        t("incident.degrade_link"),
      ),
      d ? h("button", { type: "button", id: "link-reopen", class: "secondary", onclick: () => sendUpdate(app, "road_reopened", { edge: item.id }) }, t("incident.reopen_link")) : null,
    ),
  );
}

function areaForm(app) {
  const st = app.state;
  const item = st.selected;
  const doc = app.doc();
  if (item?.kind !== "area") return h("p", { class: "hint" }, t("incident.pick_area"));
  const L = lookups(doc);
  const area = L.areas.get(item.id);
  const groups = doc.groups.filter((g) => (area.people[g.id] || 0) > 0);
  const inputs = groups.map((g) =>
    field(`people-${g.id}`, nameOf(g), h("input", { id: `people-${g.id}`, type: "number", min: "0", step: "1", value: Math.round(area.people[g.id]), "data-group": g.id })),
  );
  return h(
    "form",
    {
      "data-area": area.id,
      onsubmit: (e) => {
        e.preventDefault();
        const people = {};
        for (const input of e.target.querySelectorAll("input[data-group]")) {
          const v = Number(input.value);
          if (input.value !== "" && v >= 0 && Math.round(area.people[input.dataset.group]) !== v) people[input.dataset.group] = v;
        }
        if (Object.keys(people).length) sendUpdate(app, "people_changed", { area: area.id, people });
      },
    },
    h("p", {}, h("strong", {}, area.name)),
    h("div", { class: "fields" }, inputs),
    h("button", { type: "submit", id: "people-save" }, t("incident.save_people")),
  );
}

function stockForm(app) {
  const doc = app.doc();
  const wh = h("select", { id: "stock-wh" }, doc.warehouses.map((w) => h("option", { value: w.id }, w.name)));
  const com = h("select", { id: "stock-commodity" }, doc.commodities.map((c) => h("option", { value: c.id }, `${nameOf(c)} (${c.unit})`)));
  const units = h("input", { id: "stock-units", type: "number", min: "1", step: "1", required: true });
  return h(
    "form",
    {
      onsubmit: (e) => {
        e.preventDefault();
        if (Number(units.value) > 0) sendUpdate(app, "stock_received", { warehouse: wh.value, commodity: com.value, units: Number(units.value) });
      },
    },
    h("div", { class: "fields" }, field("stock-wh", t("incident.stock_wh"), wh), field("stock-commodity", t("incident.stock_commodity"), com), field("stock-units", t("incident.stock_units"), units)),
    h("button", { type: "submit", id: "stock-record" }, t("incident.record_stock")),
  );
}

function replanSettings(app) {
  const s = app.state.settings;
  const bind = (key) => (e) => (s[key] = e.target.value);
  return h(
    "div",
    { class: "fields" },
    field("rp-time", t("plan.time_limit"), h("input", { id: "rp-time", type: "number", min: "0.5", max: "120", step: "0.5", value: s.time_limit, oninput: bind("time_limit") })),
    field("rp-iter", t("plan.iterations"), h("input", { id: "rp-iter", type: "number", min: "1", step: "1", value: s.iterations, oninput: bind("iterations") })),
  );
}

function updateText(app, u) {
  const L = lookups(app.doc());
  const p = u.payload || {};
  return t(`update.${u.kind}`, {
    edge: p.edge ? `${p.edge} (${app.map.edgeName(p.edge)})` : "",
    area: L.areas.get(p.area)?.name || p.area || "",
    warehouse: L.warehouses.get(p.warehouse)?.name || p.warehouse || "",
    commodity: nameOf(L.commodities.get(p.commodity)) || p.commodity || "",
    units: num(p.units),
  });
}

function fmt(value, format) {
  if (value === null || value === undefined) return "–";
  return { pct: pct(value, 1), hours: hours(value), num: num(value), num2: num(value, 3), idr: idr(value) }[format];
}

const KPI_LABEL = {
  fill_rate: "kpi.fill_rate",
  min_area: "kpi.min_area",
  arrival_mean: "kpi.arrival",
  arrival_p90: "P90",
  arrival_max: "max",
  weighted_unmet: "kpi.weighted_unmet",
  gini: "kpi.gini",
  cost: "kpi.cost",
};

function changes(app) {
  const st = app.state;
  const doc = app.doc();
  const L = lookups(doc);
  const cmp = comparePlans(st.compare.before.plan, st.plan, L.kgPerUnit);
  const kpiLabel = (key) =>
    key === "arrival_p90" ? `${t("details.arrival")} P90` : key === "arrival_max" ? `${t("details.arrival")} ${t("stat.max")}` : t(KPI_LABEL[key]);
  const kpiRows = cmp.kpis.map((r) => ({
    attrs: { class: r.worse ? "worse" : "", "data-kpi": r.key },
    cells: [kpiLabel(r.key), fmt(r.before, r.format), h("span", {}, fmt(r.after, r.format), r.worse ? h("span", { class: "mark", title: t("incident.worse") }, " ▲", h("span", { class: "sr-only" }, t("incident.worse"))) : "")],
  }));
  return h(
    "div",
    { id: "changes" },
    h("p", { class: "muted" }, updateText(app, st.compare.update), " · ", t("incident.compare_hint")),
    table([{ label: t("incident.kpi") }, { label: t("incident.old"), cls: "num" }, { label: t("incident.new"), cls: "num" }], kpiRows, { class: "compact", id: "kpi-compare" }),
    h("p", { class: "muted" }, `▲ = ${t("incident.worse")}`),
    h("h3", {}, t("incident.new_unmet")),
    cmp.newUnmet.length
      ? h(
          "ul",
          { id: "new-unmet", class: "changes" },
          cmp.newUnmet.slice(0, 12).map((r) =>
            h("li", {}, h("strong", {}, L.areas.get(r.area)?.name || r.area), ` · ${nameOf(L.groups.get(r.group)) || r.group}: +${kg(r.extra)} (${reasonLabel(r.reason)})`),
          ),
        )
      : h("p", { id: "new-unmet" }, t("incident.new_unmet.none")),
    h("h3", {}, t("incident.longer")),
    cmp.later.length
      ? h(
          "ul",
          { id: "later-arrivals", class: "changes" },
          cmp.later.slice(0, 12).map((r) =>
            h(
              "li",
              {},
              h("strong", {}, L.areas.get(r.area)?.name || r.area),
              `: ${clock(r.before)} → ${r.after === null ? t("incident.unserved") : `${clock(r.after)} (+${hours(r.delta)})`}`,
            ),
          ),
        )
      : h("p", { id: "later-arrivals" }, t("incident.longer.none")),
  );
}

function log(app) {
  const updates = app.state.incident?.updates || [];
  if (!updates.length) return h("p", { class: "hint" }, t("incident.log.empty"));
  return h(
    "ol",
    { class: "log", id: "update-log" },
    [...updates].reverse().map((u) => h("li", { value: u.seq }, h("span", {}, updateText(app, u)), h("span", { class: "muted" }, ` · ${u.actor} · ${when(u.created_at)}`))),
  );
}

export function render(app, panel) {
  const st = app.state;
  if (!app.doc() || !st.plan) {
    panel.append(h("p", { class: "hint" }, t(app.doc() ? "incident.need_plan" : "plan.need_scenario")));
    return;
  }
  panel.append(
    section(
      t("incident.title"),
      h("p", { class: "muted" }, t("incident.help")),
      h("p", { id: "incident-status" }, st.incident ? t("incident.current", { name: st.incident.name, n: st.incident.updates.length }) : t("incident.not_open")),
      h("details", {}, h("summary", {}, t("incident.replan")), replanSettings(app)),
      h("div", { id: "job", class: "job", role: "status" }),
    ),
  );
  if (st.job) app.showProgress(st.job);
  if (st.compare) panel.append(section(t("incident.changes"), changes(app)));
  panel.append(
    section(t("incident.link"), h("div", { id: "incident-link" }, linkForm(app))),
    section(t("incident.area"), h("div", { id: "incident-area" }, areaForm(app))),
    section(t("details.title"), h("div", { id: "details", "aria-live": "polite" }, app.details(st.selected))),
    section(t("incident.stock"), stockForm(app)),
    section(t("incident.log"), log(app)),
  );
}

export function onSelect(app, item) {
  const link = $("#incident-link");
  if (link && (item?.kind === "edge" || !item)) {
    clear(link);
    link.append(linkForm(app));
    if (item) reveal(link.closest(".card"));
  }
  const area = $("#incident-area");
  if (area && (item?.kind === "area" || !item)) {
    clear(area);
    area.append(areaForm(app));
    if (item) reveal(area.closest(".card"));
  }
}

export function drawMap(app, map) {
  const st = app.state;
  if (!st.plan) {
    map.setTrips([], [], {}, []);
    return;
  }
  drawPlanOn(app, map, st.plan, st.lines, app.doc());
  map.setInteractive(true);
  map.setFocusEdges(map.edgesAlong(st.lines));
}

export function drawOldMap(app, map) {
  const before = app.state.compare.before;
  drawPlanOn(app, map, before.plan, before.lines, before.doc);
  map.setInteractive(false);
  map.select(null);
}
