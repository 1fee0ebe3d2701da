// The details of what the coordinator picked on the map: an area (people and need by PMKS group,
// and with a plan: fill and unmet by group), a warehouse (stock, fleet) or a link (mode, damage).

import { unmetByAreaGroup } from "./compare.js";
import { nameOf, reasonLabel, t } from "./i18n.js";
import { clock, facts, h, kg, num, pct, table } from "./util.js";

export function lookups(doc) {
  return {
    groups: new Map(doc.groups.map((g) => [g.id, g])),
    commodities: new Map(doc.commodities.map((c) => [c.id, c])),
    kgPerUnit: Object.fromEntries(doc.commodities.map((c) => [c.id, c.kg_per_unit])),
    areas: new Map(doc.areas.map((a) => [a.id, a])),
    warehouses: new Map(doc.warehouses.map((w) => [w.id, w])),
    vehicleTypes: new Map(doc.vehicle_types.map((v) => [v.id, v])),
  };
}

export function areaDetails(doc, area, plan, arrivals) {
  const L = lookups(doc);
  const unmet = plan ? unmetByAreaGroup(plan, L.kgPerUnit).filter((r) => r.area === area.id) : [];
  const unmetBy = new Map(unmet.map((r) => [r.group, r]));
  const groups = Object.keys(area.people)
    .filter((g) => area.people[g] > 0)
    .sort((a, b) => (L.groups.get(b)?.priority_weight || 0) - (L.groups.get(a)?.priority_weight || 0));
  const cols = [
    { label: `${t("details.group")} (${t("details.weight").toLowerCase()})` },
    { label: t("details.people"), cls: "num" },
    { label: t("details.need"), cls: "num" },
  ];
  if (plan) cols.push({ label: t("details.fill"), cls: "num" }, { label: t("plan.unmet.reason") });
  const rows = groups.map((g) => {
    const need = area.need_by_group_kg[g] || 0;
    const group = h("span", {}, nameOf(L.groups.get(g)) || g, h("span", { class: "muted" }, ` ×${num(L.groups.get(g)?.priority_weight, 1)}`));
    const cells = [group, num(area.people[g]), kg(need)];
    if (plan) {
      const u = unmetBy.get(g);
      cells.push(need > 0 ? pct(Math.max(0, 1 - (u?.kg || 0) / need)) : "–", u ? reasonLabel(u.reason) : "");
    }
    return cells;
  });
  const fill = plan?.kpis?.fill_rate_by_area?.[area.id];
  const arrival = arrivals?.get(area.id);
  return h(
    "div",
    { class: "details", "data-details": `area:${area.id}` },
    h("h3", {}, `${t("details.area")}: ${area.name}`),
    facts([
      area.code && [t("details.code"), area.code],
      [t("details.people"), num(area.total_people)],
      [t("details.displaced"), pct(area.displaced_share)],
      [t("details.need"), kg(area.need_kg)],
      plan && [t("details.fill"), pct(fill)],
      plan && [t("details.arrival"), arrival === undefined ? t("incident.unserved") : clock(arrival)],
    ]),
    h("div", { class: "scroll-x" }, table(cols, rows, { class: "compact" })),
  );
}

export function warehouseDetails(doc, w) {
  const L = lookups(doc);
  const stock = Object.entries(w.stock || {}).filter(([, u]) => u > 0);
  return h(
    "div",
    { class: "details", "data-details": `warehouse:${w.id}` },
    h("h3", {}, `${t("details.warehouse")}: ${w.name}`),
    facts([
      w.operator && [t("details.operator"), w.operator],
      w.throughput_t_per_day && [t("details.throughput"), num(w.throughput_t_per_day)],
      [
        t("details.fleet"),
        Object.entries(w.fleet || {})
          .map(([v, n]) => `${n} × ${nameOf(L.vehicleTypes.get(v)) || v}`)
          .join(", ") || t("none"),
      ],
    ]),
    stock.length
      ? table(
          [{ label: t("details.commodity") }, { label: t("details.units"), cls: "num" }, { label: "kg", cls: "num" }],
          stock.map(([c, u]) => {
            const com = L.commodities.get(c);
            return [`${nameOf(com) || c} (${com?.unit || ""})`, num(u), kg(u * (com?.kg_per_unit ?? 1))];
          }),
          { class: "compact" },
        )
      : h("p", {}, `${t("details.stock")}: ${t("none")}`),
  );
}

export function edgeState(d) {
  if (!d) return t("state.open");
  const parts = [];
  if (d.state === "closed") parts.push(t("state.closed"));
  else if (d.speed_factor < 1) parts.push(t("state.degraded", { f: num(d.speed_factor, 2) }));
  if (d.max_weight_t) parts.push(t("state.weight_limit", { t: num(d.max_weight_t, 1) }));
  if (d.probability < 1) parts.push(t("details.probability", { p: pct(d.probability) }));
  if (d.records?.some((r) => r.update)) parts.push(t("state.from_update"));
  return parts.join(" · ");
}

export function edgeDetails(doc, map, id) {
  const i = map.edgeIndex.get(id);
  const d = map.damage.get(id);
  const { edges } = doc;
  const notes = (d?.records || []).map((r) => r.note).filter(Boolean);
  return h(
    "div",
    { class: "details", "data-details": `edge:${id}` },
    h("h3", {}, `${t("details.link")}: ${id}`),
    facts([
      [t("details.from_to"), map.edgeName(id)],
      [t("details.mode"), t(`mode.${edges.mode[i]}`)],
      edges.road_class[i] && [t("details.class"), edges.road_class[i]],
      [t("details.length"), `${num(edges.length_km[i], 1)} km`],
      [t("details.state"), h("span", { class: d?.state === "closed" ? "bad" : "" }, edgeState(d))],
    ]),
    notes.length ? h("ul", { class: "notes" }, notes.map((n) => h("li", {}, n))) : null,
  );
}
