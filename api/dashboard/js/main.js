// The dashboard's frame: the key, the views (scenario, plan, incident, study), the shared state and the
// maps. Everything comes from this server (docs/dashboard.md); nothing is fetched from elsewhere.

import { api, ApiError, followJob, forgetKey, getKey, setKey } from "./api.js";
import { firstArrivals } from "./compare.js";
import { areaDetails, edgeDetails, lookups, warehouseDetails } from "./details.js";
import { applyI18n, getLang, onLangChange, setLang, stageLabel, t } from "./i18n.js";
import { MapView } from "./map.js";
import { vehicleColours } from "./palette.js";
import { $, clear, h, pct, reveal } from "./util.js";
import * as incidentView from "./views/incident.js";
import * as planView from "./views/plan.js";
import * as scenarioView from "./views/scenario.js";
import * as studyView from "./views/study.js";

const VIEWS = { scenario: scenarioView, plan: planView, incident: incidentView, study: studyView };

export const app = {
  state: {
    view: "scenario",
    boundaries: null,
    bundled: [],
    stored: [],
    record: null, // the stored scenario's id
    base: null, // its map document
    incident: null, // the open incident (GET /v1/incidents/ID)
    incidentDoc: null, // the map document after the incident's updates
    plan: null,
    planId: null,
    lines: [], // the plan's trip lines, as plan.trips
    latest: null, // the newest finished plan job of the scenario
    job: null, // the solve in progress
    compare: null, // {before: {plan, planId, lines, doc}, update}
    selected: null,
    settings: { time_limit: 10, iterations: "", engine: "pyvrp" },
    study: null,
    apiStudies: null,
  },
  map: null,
  mapOld: null,

  /** The map document in force: after the incident's updates when one is open. */
  doc() {
    return this.state.incidentDoc || this.state.base;
  },

  status(message, kind = "info") {
    const el = $("#status");
    el.textContent = message;
    el.dataset.kind = kind;
    clearTimeout(this.statusTimer);
    if (kind !== "error") this.statusTimer = setTimeout(() => (el.textContent = ""), 8000);
  },

  fail(err) {
    console.error(err);
    if (err instanceof ApiError) {
      if (err.status === 401) {
        showKeyDialog(t("key.invalid", { detail: err.message }));
        return;
      }
      this.status(err.status === 403 ? t("error.forbidden", { detail: err.message }) : t("error.generic", { detail: err.message }), "error");
    } else if (err instanceof TypeError) {
      this.status(t("status.offline"), "error");
    } else {
      this.status(t("error.generic", { detail: err.message || String(err) }), "error");
    }
  },

  go(view) {
    if (!VIEWS[view]) return;
    this.state.view = view;
    for (const b of document.querySelectorAll(".views [data-view]")) {
      const on = b.dataset.view === view;
      b.setAttribute("aria-current", on ? "page" : "false");
      b.classList.toggle("on", on);
    }
    document.body.dataset.view = view;
    this.saveHash();
    this.render();
    $("#panel").scrollTop = 0;
  },

  render() {
    const panel = $("#panel");
    clear(panel);
    const view = VIEWS[this.state.view];
    view.render(this, panel);
    this.drawMap();
  },

  /** The map as the current view wants it. */
  drawMap() {
    const st = this.state;
    const doc = this.doc();
    const map = this.map;
    const comparing = st.view === "incident" && st.compare;
    $("#map-old").hidden = !comparing;
    $("#maps").classList.toggle("two", !!comparing);
    if (!doc) {
      map.setLegend([]);
      return;
    }
    map.setScenario(doc);
    const view = VIEWS[st.view];
    if (view.drawMap) view.drawMap(this, map);
    if (comparing) {
      const split = !this.mapOld.linked.length;
      this.mapOld.setScenario(st.compare.before.doc);
      incidentView.drawOldMap(this, this.mapOld);
      this.map.link(this.mapOld);
      if (split) {
        // the map is half as wide now; keep the reported link in view
        const edge = st.compare.update.payload?.edge;
        this.map.fitAreas(edge ? [this.map.position({ kind: "edge", id: edge })] : []);
        this.map.showLegend(false);
      }
      this.map.setCaption(t("map.after"));
      this.mapOld.setCaption(t("map.before"));
    } else {
      if (this.map.linked.length) this.map.showLegend(true);
      this.map.unlinkAll();
      this.map.setCaption("");
    }
    map.select(st.selected);
  },

  select(item) {
    this.state.selected = item;
    this.map.select(item);
    if (item?.kind === "trip") {
      planView.showTrip(this, item.id);
      return;
    }
    const box = $("#details");
    if (box) {
      clear(box);
      box.append(this.details(item));
      if (item) reveal(box);
    }
    const view = VIEWS[this.state.view];
    if (view.onSelect) view.onSelect(this, item);
  },

  details(item) {
    const doc = this.doc();
    if (!item || !doc) return h("p", { class: "hint" }, t("details.hint"));
    const L = lookups(doc);
    if (item.kind === "area" && L.areas.has(item.id)) {
      const plan = ["plan", "incident"].includes(this.state.view) ? this.state.plan : null;
      return areaDetails(doc, L.areas.get(item.id), plan, plan ? firstArrivals(plan) : null);
    }
    if (item.kind === "warehouse" && L.warehouses.has(item.id)) return warehouseDetails(doc, L.warehouses.get(item.id));
    if (item.kind === "edge") return edgeDetails(doc, this.map, item.id);
    return h("p", { class: "hint" }, t("details.hint"));
  },

  vehicleColours() {
    return vehicleColours(this.doc()?.vehicle_types || []);
  },

  // --- loading

  async loadScenario(choice) {
    const st = this.state;
    this.status(t("status.loading"));
    let record = choice.startsWith("stored:") ? choice.slice(7) : null;
    if (!record) {
      const name = choice.slice("bundled:".length);
      const known = st.bundled.find((b) => b.name === name);
      record = known?.stored || (await api(`/v1/dashboard/bundled/${encodeURIComponent(name)}`, { method: "POST" })).id;
      if (known) known.stored = record;
    }
    const base = await api(`/v1/dashboard/scenarios/${record}/map`);
    Object.assign(st, {
      record,
      base,
      incident: null,
      incidentDoc: null,
      plan: null,
      planId: null,
      lines: [],
      compare: null,
      selected: null,
      latest: null,
    });
    $("#scenario-name").textContent = base.scenario.name;
    this.map.doc = null; // fit the new scenario
    await this.findLatestPlan();
    this.saveHash();
    this.render();
    this.status(t("scenario.loaded", { name: base.scenario.name }));
  },

  async findLatestPlan() {
    const st = this.state;
    try {
      const jobs = await api("/v1/jobs?status=succeeded&limit=200");
      st.latest = jobs.data.find((j) => j.scenario_id === st.record && j.kind === "plan" && j.plan_id) || null;
    } catch (err) {
      st.latest = null;
    }
  },

  async loadPlan(planId) {
    const [plan, geo] = await Promise.all([api(`/v1/plans/${planId}`), api(`/v1/plans/${planId}.geojson`)]);
    const lines = geo.features.filter((f) => f.properties.kind === "trip").map((f) => f.geometry.coordinates);
    Object.assign(this.state, { plan, planId, lines });
    this.saveHash();
    return plan;
  },

  async openIncident(id) {
    const st = this.state;
    st.incident = await api(`/v1/incidents/${id}`);
    st.incidentDoc = st.incident.updates.length
      ? await api(`/v1/dashboard/scenarios/${st.record}/map?incident=${id}`)
      : null;
    this.saveHash();
  },

  // --- solves

  /** Follow a job with the progress bar in the panel (#job); the final job. */
  async follow(job) {
    this.state.job = job;
    const final = await followJob(job, (j) => {
      this.state.job = j;
      this.showProgress(j);
    });
    this.state.job = null;
    this.showProgress(final);
    return final;
  },

  showProgress(job) {
    const box = $("#job");
    if (!box) return;
    clear(box);
    if (!job) return;
    const running = ["queued", "running"].includes(job.status);
    const text =
      job.status === "running"
        ? `${t("job.running")} ${stageLabel(job.stage)} ${pct(job.progress)}`
        : job.status === "queued"
          ? t("job.queued")
          : job.status === "succeeded"
            ? t("job.succeeded")
            : t(`job.${job.status}`, { reason: job.reason || "" });
    box.dataset.status = job.status;
    box.append(
      h("progress", { max: "1", value: String(job.status === "succeeded" ? 1 : job.progress || 0), "aria-label": t("job.progress") }),
      h("span", { class: "progress-text" }, text),
      ...(running
        ? [h(
            "button",
            {
              type: "button",
              class: "secondary",
              onclick: async () => {
                try {
                  await api(job.links.self, { method: "DELETE" });
                } catch (err) {
                  this.fail(err);
                }
              },
            },
            t("job.cancel"),
          )]
        : []),
    );
  },

  planParams() {
    const s = this.state.settings;
    const out = { seed: 0, engine: s.engine };
    if (Number(s.time_limit) > 0) out.time_limit = Number(s.time_limit);
    if (Number(s.iterations) > 0) out.iterations = Math.round(Number(s.iterations));
    return out;
  },

  // --- the address bar keeps what is open (reload-safe)

  saveHash() {
    const st = this.state;
    const p = new URLSearchParams();
    p.set("view", st.view);
    if (st.record) p.set("scenario", st.record);
    if (st.planId) p.set("plan", st.planId);
    if (st.incident) p.set("incident", st.incident.id);
    history.replaceState(null, "", `#${p}`);
  },

  async restoreHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    const st = this.state;
    if (p.get("scenario")) {
      try {
        await this.loadScenario(`stored:${p.get("scenario")}`);
        if (p.get("incident")) await this.openIncident(p.get("incident"));
        if (p.get("plan")) await this.loadPlan(p.get("plan"));
      } catch (err) {
        this.fail(err);
      }
    }
    this.go(VIEWS[p.get("view")] ? p.get("view") : st.view);
  },
};

// --- the key

function showKeyDialog(message = "") {
  const dialog = $("#key-dialog");
  $("#key-error").textContent = message;
  $("#key-input").value = "";
  if (!dialog.open) dialog.showModal();
  $("#key-input").focus();
}

async function checkKey() {
  await api("/v1/jobs?limit=1");
}

async function start() {
  const st = app.state;
  app.status(t("status.loading"));
  try {
    await checkKey();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      showKeyDialog(t("key.invalid", { detail: err.message }));
      return;
    }
    app.fail(err);
    return;
  }
  try {
    const [boundaries, bundled, stored] = await Promise.all([
      api("/v1/dashboard/boundaries"),
      api("/v1/dashboard/bundled"),
      api("/v1/scenarios?limit=200"),
    ]);
    st.boundaries = boundaries;
    st.bundled = bundled.data;
    st.stored = stored.data;
    app.map.setBoundaries(boundaries);
    app.mapOld.setBoundaries(boundaries);
    app.map.fitProvince();
  } catch (err) {
    app.fail(err);
  }
  studyView.probeApi(app);
  await app.restoreHash();
  app.status(t("status.ready"));
}

function init() {
  applyI18n();
  document.body.dataset.view = app.state.view;
  app.map = new MapView($("#map-main"), { onSelect: (item) => app.select(item) });
  app.mapOld = new MapView($("#map-old"), { onSelect: (item) => app.select(item) });
  for (const b of document.querySelectorAll(".views [data-view]")) b.addEventListener("click", () => app.go(b.dataset.view));
  $("#lang-switch").addEventListener("click", () => setLang(getLang() === "id" ? "en" : "id"));
  onLangChange(() => {
    app.map.relabel();
    app.mapOld.relabel();
    app.map.restyleAreas();
    app.render();
  });
  $("#key-button").addEventListener("click", () => showKeyDialog());
  $("#key-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const value = $("#key-input").value.trim();
    if (!value) return;
    setKey(value);
    $("#key-error").textContent = t("key.checking");
    try {
      await checkKey();
    } catch (err) {
      $("#key-error").textContent = err instanceof ApiError ? t("key.invalid", { detail: err.message }) : t("status.offline");
      return;
    }
    $("#key-dialog").close();
    start();
  });
  $("#key-forget").addEventListener("click", () => {
    forgetKey();
    $("#key-input").value = "";
    $("#key-error").textContent = "";
  });
  $("#key-dialog").addEventListener("cancel", (e) => {
    if (!getKey()) e.preventDefault(); // the page is useless without a key
  });
  if (getKey()) start();
  else showKeyDialog();
}

init();
