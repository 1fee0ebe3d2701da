// Scenario view: boundaries, network (damage marked), warehouses with stock, areas sized by people and
// coloured by need; details by PMKS group on click or Enter.

import { lookups } from "../details.js";
import { t } from "../i18n.js";
import { legendRow, networkLegend } from "../map.js";
import { classColour, classColours, NEED_COLOURS, quantileBreaks } from "../palette.js";
import { expandable, facts, h, kg, num, section, table } from "../util.js";

function chooser(app) {
  const st = app.state;
  const bundledNames = new Set(st.bundled.map((b) => b.name));
  const stored = st.stored.filter((r) => !bundledNames.has(r.scenario_id) || !st.bundled.some((b) => b.stored === r.id));
  const current = st.record
    ? st.bundled.find((b) => b.stored === st.record)
      ? `bundled:${st.bundled.find((b) => b.stored === st.record).name}`
      : `stored:${st.record}`
    : "";
  const select = h(
    "select",
    { id: "scenario-select", "aria-describedby": "scenario-help" },
    h(
      "optgroup",
      { label: t("scenario.bundled") },
      st.bundled.map((b) =>
        h("option", { value: `bundled:${b.name}`, selected: current === `bundled:${b.name}` }, `${b.title} (${b.name})`),
      ),
    ),
    stored.length
      ? h(
          "optgroup",
          { label: t("scenario.stored") },
          stored.map((r) => h("option", { value: `stored:${r.id}`, selected: current === `stored:${r.id}` }, `${r.name} (${r.scenario_id})`)),
        )
      : null,
  );
  const form = h(
    "form",
    {
      class: "row",
      onsubmit: async (e) => {
        e.preventDefault();
        const button = form.querySelector("button");
        button.disabled = true;
        try {
          await app.loadScenario(select.value);
        } catch (err) {
          app.fail(err);
        } finally {
          button.disabled = false;
        }
      },
    },
    h("label", { for: "scenario-select", class: "sr-only" }, t("scenario.choose")),
    select,
    h("button", { type: "submit", id: "scenario-load" }, t("scenario.load")),
  );
  return section(t("scenario.choose"), form);
}

export function needStyle(doc) {
  const breaks = quantileBreaks(doc.areas.map((a) => a.need_kg));
  return {
    breaks,
    style: (a) => ({
      fill: classColour(a.need_kg, breaks, NEED_COLOURS),
      title: `${a.name}: ${num(a.total_people)} ${t("details.people").toLowerCase()}, ${t("details.need").toLowerCase()} ${kg(a.need_kg)}`,
    }),
  };
}

export function render(app, panel) {
  const st = app.state;
  panel.append(chooser(app));
  const doc = app.doc();
  if (!doc) {
    panel.append(h("p", { class: "hint" }, t("scenario.none")));
    return;
  }
  const L = lookups(doc);
  const people = doc.areas.reduce((x, a) => x + a.total_people, 0);
  const need = doc.areas.reduce((x, a) => x + a.need_kg, 0);
  const stockKg = doc.warehouses.reduce(
    (x, w) => x + Object.entries(w.stock).reduce((y, [c, u]) => y + u * (L.kgPerUnit[c] ?? 1), 0),
    0,
  );
  const closed = doc.damage.filter((d) => d.state === "closed").length;
  panel.append(
    section(
      doc.scenario.name,
      doc.scenario.description ? h("p", { class: "muted" }, doc.scenario.description) : null,
      facts([
        [t("scenario.horizon"), t("scenario.days", { n: doc.scenario.horizon_days })],
        [t("scenario.areas"), num(doc.areas.length)],
        [t("scenario.people"), num(people)],
        [t("scenario.need"), kg(need)],
        [t("scenario.warehouses"), num(doc.warehouses.length)],
        [t("scenario.stock"), kg(stockKg)],
        [t("scenario.damaged"), `${num(doc.damage.length)} (${num(closed)} ${t("state.closed").toLowerCase()})`],
      ]),
    ),
    section(t("details.title"), h("div", { id: "details", "aria-live": "polite" }, app.details(st.selected))),
    section(
      t("scenario.area_list"),
      expandable(
        [...doc.areas].sort((a, b) => b.need_kg - a.need_kg),
        8,
        (rows) =>
          table(
            [{ label: t("details.area") }, { label: t("details.people"), cls: "num" }, { label: t("details.need"), cls: "num" }],
            rows.map((a) => [
              h("button", { type: "button", class: "link", onclick: () => pick(app, { kind: "area", id: a.id }) }, a.name),
              num(a.total_people),
              kg(a.need_kg),
            ]),
            { class: "compact" },
          ),
      ),
    ),
    section(
      t("scenario.wh_list"),
      expandable(
        [...doc.warehouses],
        6,
        (rows) =>
          table(
            [{ label: t("details.warehouse") }, { label: t("details.stock"), cls: "num" }],
            rows.map((w) => [
              h("button", { type: "button", class: "link", onclick: () => pick(app, { kind: "warehouse", id: w.id }) }, w.name),
              kg(Object.entries(w.stock).reduce((y, [c, u]) => y + u * (L.kgPerUnit[c] ?? 1), 0)),
            ]),
            { class: "compact" },
          ),
      ),
    ),
  );
}

/** Pick an item from a list: select it and bring it into view. */
export function pick(app, item) {
  app.map.centreOn(item);
  app.select(item);
}

export function drawMap(app, map) {
  const doc = app.doc();
  const { breaks, style } = needStyle(doc);
  map.setTrips([], [], {}, []);
  map.setFocusEdges([]);
  map.setInteractive(false);
  map.setAreaStyle(style);
  const edges = [0, ...breaks];
  map.setLegend([
    h("strong", {}, t("legend.need")),
    ...classColours(breaks, NEED_COLOURS).map((c, i) =>
      legendRow("circle", c, i < breaks.length ? `${kg(edges[i])} – ${kg(edges[i + 1])}` : `≥ ${kg(edges[i])}`),
    ),
    h("div", { class: "muted" }, t("legend.people")),
    ...networkLegend(),
  ]);
}
