// Colour-blind-safe colours: Okabe & Ito (2008) for categories, viridis for need (sequential) and a
// ColorBrewer PuOr (orange to purple) scale for fill rates. Nothing relies on colour alone: links
// also differ by dash, damage by pattern and marks, classes by legend text.

export const OKABE_ITO = {
  black: "#000000",
  orange: "#E69F00",
  skyblue: "#56B4E9",
  green: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  purple: "#CC79A7",
};

// vehicle types in the scenario's order. Orange and vermillion are kept for damage; yellow comes late
// (the faintest on the light map; every trip has a white casing).
const VEHICLE_ORDER = ["blue", "green", "purple", "skyblue", "black", "yellow"];
const EXTRA = ["#7f7f7f", "#8c510a", "#01665e"];

export function vehicleColours(vehicleTypes) {
  const out = {};
  vehicleTypes.forEach((v, i) => {
    out[v.id] = i < VEHICLE_ORDER.length ? OKABE_ITO[VEHICLE_ORDER[i]] : EXTRA[(i - VEHICLE_ORDER.length) % EXTRA.length];
  });
  return out;
}

/** Dash pattern of a vehicle type's trips by its main mode: road solid, river dashed, air dotted. */
export function vehicleDash(vehicleType) {
  const modes = vehicleType?.modes || [];
  if (modes.includes("air")) return "2 4";
  if (modes.includes("river") || modes.includes("sea")) return "8 4";
  return null;
}

export const DAMAGE = { closed: OKABE_ITO.vermillion, degraded: OKABE_ITO.orange };

// need: 5 viridis classes, light (little) to dark (much)
export const NEED_COLOURS = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"];
// fill rate: 0-20 % dark orange ... 80-100 % dark purple (PuOr)
export const FILL_COLOURS = ["#b35806", "#f1a340", "#fee0b6", "#998ec3", "#542788"];
export const FILL_BREAKS = [0.2, 0.4, 0.6, 0.8];

export function fillColour(rate) {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return "#bdbdbd";
  let k = 0;
  while (k < FILL_BREAKS.length && rate >= FILL_BREAKS[k]) k++;
  return FILL_COLOURS[k];
}

/** Class breaks (quintiles, without repeats) of `values`: at most 4 breaks for 5 classes. */
export function quantileBreaks(values) {
  const v = values.filter((x) => x > 0).sort((a, b) => a - b);
  if (!v.length) return [];
  const breaks = [0.2, 0.4, 0.6, 0.8].map((q) => v[Math.min(v.length - 1, Math.floor(q * v.length))]);
  return [...new Set(breaks)].filter((b) => b > v[0]);
}

/** The colour of `value`'s class; fewer breaks spread over the whole colour ramp. */
export function classColour(value, breaks, colours) {
  let k = 0;
  while (k < breaks.length && value >= breaks[k]) k++;
  return classColours(breaks, colours)[k];
}

export function classColours(breaks, colours) {
  const n = breaks.length;
  if (n === 0) return [colours[Math.floor(colours.length / 2)]];
  return Array.from({ length: n + 1 }, (_, k) => colours[Math.round((k * (colours.length - 1)) / n)]);
}
