// Study view: a stockpile study's comparisons (docs/study-format.md): the options with their costs and
// metrics, box plots of the weighted unmet need per scenario by option, and the fill rate by group.
// The study comes from a study.json file picked here, or from the server when it offers /v1/studies.

import { api } from "../api.js";
import { boxPlots, chartFigure, groupedBars } from "../charts.js";
import { getLang, nameOf, t } from "../i18n.js";
import { h, hours, idr, num, pct, section, table } from "../util.js";

const FORMAT = "siaga-study/1";

/** Whether the server lists studies (GET /v1/studies); the view offers them when it does. */
export async function probeApi(app) {
  try {
    const res = await api("/v1/studies");
    const list = Array.isArray(res) ? res : res?.data;
    app.state.apiStudies = Array.isArray(list) ? list : null;
  } catch {
    app.state.apiStudies = null;
  }
}

/** The study document, or an Error saying what is wrong with it. */
export function checkStudy(doc) {
  if (!doc || typeof doc !== "object") return new Error("not a JSON object");
  if (doc.format !== FORMAT) return new Error(`format is ${JSON.stringify(doc.format)}, expected "${FORMAT}"`);
  if (!Array.isArray(doc.options) || !doc.options.length) return new Error("no options[]");
  for (const o of doc.options) {
    if (!o.per_scenario || !Array.isArray(o.per_scenario.weighted_unmet)) return new Error(`option ${o.id}: no per_scenario.weighted_unmet`);
  }
  return doc;
}

function setStudy(app, doc, source) {
  const checked = checkStudy(doc);
  if (checked instanceof Error) {
    app.state.study = null;
    app.status(t("study.bad", { detail: checked.message }), "error");
  } else {
    app.state.study = checked;
    app.state.studySource = source;
    app.status(t("study.loaded", { name: checked.study?.name || checked.study?.id || source }));
  }
  app.render();
}

/** A job's status in words ("Queued…", "Failed: reason"). */
function jobStatus(s) {
  return s.status ? t(`job.${s.status}`, { reason: s.reason || "" }) : "";
}

/** A listed study: its name, and its job's status until that succeeded. */
function studyLabel(s) {
  const name = s.name || s.study?.name || s.id;
  return s.status && s.status !== "succeeded" ? `${name} (${s.status})` : name;
}

function picker(app) {
  const input = h("input", {
    id: "study-file",
    type: "file",
    accept: ".json,application/json",
    "aria-describedby": "study-help",
    onchange: async (e) => {
      const file = e.target.files?.[0];
      if (!file) return;
      try {
        setStudy(app, JSON.parse(await file.text()), file.name);
      } catch (err) {
        app.status(t("study.bad", { detail: err.message }), "error");
      }
    },
  });
  const parts = [h("label", { for: "study-file", class: "file-label" }, t("study.open")), input, h("p", { id: "study-help", class: "muted" }, t("study.open_help"))];
  const listed = app.state.apiStudies;
  if (listed?.length) {
    const select = h(
      "select",
      { id: "study-api" },
      listed.map((s) => h("option", { value: s.id }, studyLabel(s))),
    );
    parts.push(
      h(
        "div",
        { class: "row" },
        h("label", { for: "study-api" }, t("study.from_api")),
        select,
        h(
          "button",
          {
            type: "button",
            onclick: async () => {
              try {
                const res = await api(`/v1/studies/${encodeURIComponent(select.value)}`);
                if (!res?.format && res?.document === null) {
                  // GET /v1/studies/{id}: no study.json until its job succeeded
                  app.status(t("study.not_ready", { status: jobStatus(res) }), res.status === "failed" ? "error" : "info");
                  return;
                }
                setStudy(app, res?.format ? res : res?.document || res?.result || res, select.value);
              } catch (err) {
                app.fail(err);
              }
            },
          },
          t("scenario.load"),
        ),
      ),
    );
  }
  return section(t("study.title"), ...parts);
}

function optionName(o) {
  return o.name || o.id;
}

export function render(app, panel) {
  panel.append(picker(app));
  const doc = app.state.study;
  if (!doc) {
    panel.append(h("p", { class: "hint" }, t("study.none")));
    return;
  }
  const st = doc.study || {};
  const set = st.scenario_set || {};
  const rec = doc.recommendation;
  const options = [...doc.options].sort((a, b) => (a.rank ?? 99) - (b.rank ?? 99));
  panel.append(
    section(
      st.name || st.id || "",
      h("p", { class: "muted", id: "study-set" }, t("study.set", { name: set.name || set.id || "", n: num(set.n_scenarios), e: num(st.evaluated_on) })),
      rec
        ? h("div", { class: "recommendation", id: "study-recommendation" }, h("h3", {}, t("study.recommendation")), h("p", {}, getLang() === "en" ? rec.text_en : rec.text_id))
        : null,
    ),
    section(
      t("study.options"),
      table(
        [
          { label: t("study.rank"), cls: "num" },
          { label: t("study.option") },
          { label: t("study.kind") },
          { label: t("study.cost"), cls: "num" },
          { label: t("study.expected"), cls: "num" },
          { label: t("study.worst"), cls: "num" },
          { label: t("study.fill"), cls: "num" },
          { label: t("study.arrival"), cls: "num" },
        ],
        options.map((o) => {
          const m = o.metrics || {};
          return {
            attrs: { "data-option": o.id, class: rec?.option === o.id ? "recommended" : "" },
            cells: [
              num(o.rank),
              optionName(o),
              t(`study.kind.${o.kind}`),
              idr(o.cost?.total),
              num(m.expected_weighted_unmet),
              num(m.worst_decile_weighted_unmet),
              pct(m.fill_rate),
              hours(m.mean_arrival_h),
            ],
          };
        }),
        { class: "compact", id: "study-options" },
      ),
    ),
    section(
      t("study.box"),
      chartFigure(
        t("study.box"),
        boxPlots(
          doc.options.map((o) => ({ label: optionName(o), values: o.per_scenario.weighted_unmet })),
          { title: t("study.box"), beyond: (n, v) => t("study.beyond", { n, max: v }) },
        ),
      ),
    ),
    section(
      t("study.by_group"),
      chartFigure(
        t("study.by_group"),
        groupedBars(
          [...(doc.groups || [])]
            .sort((a, b) => (b.priority_weight || 0) - (a.priority_weight || 0))
            .map((g) => ({ id: g.id, label: nameOf(g) })),
          doc.options.map((o) => ({ label: optionName(o), values: o.metrics?.fill_rate_by_group || {} })),
          { title: t("study.by_group") },
        ),
      ),
    ),
  );
}
