"""Needs: people x standard x days (+ per-group extras), as a tidy pandas DataFrame.

For each area a, group g, standards item i (applying to g) and day d = 1..H:

    persons[a, i, g] = people[a, g] * basis_share[a, i] * share[i]
    units[a, c(i), g, d] += persons[a, i, g] * quantity[i] / per_persons[i] / per_days[i] / kk[i]

for items needed every day, and `persons * quantity / per_persons / kk` on day 1 only for one-off
items (`per_days` is None); `kk` is the household size for `per: household` items, else 1.
`basis_share` is 1 for `basis: affected`; for `basis: displaced` it is the area's `displaced_share`
plus, for rations and kits (every kind but shelter), the policy's `at_home_share` of the others
(people in flooded houses). Needs are linear in people: doubling every count doubles every need
exactly (no rounding happens here; loads round later).

Every row also says whom it is for, so that unmet need can be counted in people:
- `persons`: the people whose need it is (the largest of its items' persons);
- `covers`: the share of its need category (the commodity's kind: food, water, shelter, ...) the
  commodity meets for that group, normalised to sum to 1 over the group's commodities of the kind;
- `priority`: the weight of a unit of it (need-weighted over its items). Under the policy's
  `household` rule a base ration (an item for every group) weighs the same for every member of a
  household: the weight of the scenario's `household` group where a member is vulnerable (of kind
  `vulnerable` or `pmks`), the general group's weight otherwise; the general people of households
  with a vulnerable member are moved to the `household` group for their base rations (their share
  from `vulnerable_household_share`). Extras (items for named groups) weigh their group's weight.
  Under the `person` rule every row weighs its group's weight.

So `units / persons` is a row's need per person (per day for daily items), and
`backlog x persons / units` the people who lack it: person-days when summed over days. Nothing of
that changes when a commodity is counted in another unit.

Assessed needs (`Area.needs`, units for the whole horizon) replace every standards-based row of
that area and commodity: the assessed units are needed by the scenario's first group of kind
`general` (the first group when there is none), spread evenly over the days for a commodity the
profile needs every day, on day 1 otherwise; their persons are the units over the commodity's
per-person need in the profile (one person per unit without one), their covers the profile's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .kitchens import apply_kitchens
from .model import Scenario, StandardsProfile

__all__ = [
    "NEEDS_COLUMNS",
    "assessed_needs_group",
    "compute_needs",
    "household_counts",
    "needs_totals",
    "vulnerable_household_share",
]

NEEDS_COLUMNS = ["area", "commodity", "group", "day", "units", "kg", "m3", "persons", "covers", "priority"]
_LONG_COLUMNS = ["a_ord", "c_ord", "g_ord", "day", "rate", "persons", "covers", "priority"]
VULNERABLE_KINDS = ("vulnerable", "pmks")


def compute_needs(
    scenario: Scenario, standards: str | None = None, days: int | None = None, *, kitchens: bool = True
) -> pd.DataFrame:
    """Tidy needs table with columns `NEEDS_COLUMNS`.

    `standards` picks a profile (default: the policy's); `days` overrides the horizon; with `kitchens`
    (the default) the scenario's dapur umum feed people in place of their rations (kitchens.py).
    Assessed needs (`Area.needs`) replace the standards rows of their area and commodity (day 1,
    general group). Rows with zero units are left out; rows are ordered by area, commodity, group,
    day as the scenario lists them.
    """
    profile = scenario.standards_profile(standards)
    horizon = days if days is not None else scenario.policy.horizon_days
    if horizon < 1:
        raise ValueError(f"days must be >= 1, got {horizon}")
    long = _standard_rows(scenario, profile, horizon)
    assessed = _assessed_rows(scenario, profile, horizon)
    if not assessed.empty:
        n_c = len(scenario.commodities)
        replaced = np.isin(
            long["a_ord"].to_numpy(np.int64) * n_c + long["c_ord"].to_numpy(np.int64),
            assessed["a_ord"].to_numpy(np.int64) * n_c + assessed["c_ord"].to_numpy(np.int64),
        )
        parts = [p for p in (long.loc[~replaced], assessed) if not p.empty]
        long = pd.concat(parts, ignore_index=True)
    long = long[long["rate"] > 0]
    if long.empty:
        return _empty()
    needs = _summed(scenario, long, horizon)
    return apply_kitchens(scenario, needs)[0] if kitchens else needs


def _summed(s: Scenario, long: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Rates summed per (area, commodity, group, day), ordered as the scenario lists them: on
    integer keys (grouping on the id strings costs most of the time at 10,000 areas). Persons and
    covers take the largest of the row's items, priority their need-weighted mean."""
    C, G, H = len(s.commodities), len(s.groups), max(horizon, int(long["day"].max()))
    key = long["a_ord"].to_numpy(np.int64) * C + long["c_ord"].to_numpy(np.int64)
    key = (key * G + long["g_ord"].to_numpy(np.int64)) * H + long["day"].to_numpy(np.int64) - 1
    uniq, inv = np.unique(key, return_inverse=True)
    inv = inv.reshape(-1)
    rate = long["rate"].to_numpy(float)
    units = np.bincount(inv, weights=rate, minlength=len(uniq))
    priority = np.bincount(inv, weights=rate * long["priority"].to_numpy(float), minlength=len(uniq)) / units
    persons, covers = np.zeros(len(uniq)), np.zeros(len(uniq))
    np.maximum.at(persons, inv, long["persons"].to_numpy(float))
    np.maximum.at(covers, inv, long["covers"].to_numpy(float))
    rest, day = np.divmod(uniq, H)
    rest, g = np.divmod(rest, G)
    a, c = np.divmod(rest, C)
    kg = np.array([x.kg_per_unit for x in s.commodities])[c]
    m3 = np.array([x.m3_per_unit for x in s.commodities])[c]
    ids = {
        "area": np.array([x.id for x in s.areas], dtype=object)[a],
        "commodity": np.array([x.id for x in s.commodities], dtype=object)[c],
        "group": np.array([x.id for x in s.groups], dtype=object)[g],
    }
    out = {"day": (day + 1).astype("int64"), "units": units, "kg": units * kg, "m3": units * m3}
    out |= {"persons": persons, "covers": covers, "priority": priority}
    return pd.DataFrame({**ids, **out})[NEEDS_COLUMNS]


def vulnerable_household_share(people: float, vulnerable: float, kk_size: float) -> float:
    """Of an area's general people, the share living with a vulnerable member: with vulnerable people
    spread at random over households of `kk_size`, a share 1 - (1 - v)^kk of everyone lives in a
    household with one (v = vulnerable / people); the vulnerable themselves are among them. An
    estimate: real households cluster (a grandmother and a grandchild often share one)."""
    if people <= 0 or vulnerable <= 0:
        return 0.0
    v = min(vulnerable / people, 1.0)
    with_one = people * (1 - (1 - v) ** kk_size)
    general = people - vulnerable
    return float(np.clip((with_one - vulnerable) / general, 0.0, 1.0)) if general > 0 else 0.0


def household_counts(scenario: Scenario) -> pd.DataFrame:
    """Per area: `people`, `displaced`, `kk` (households), `kk_displaced`, and `kk_vulnerable`
    (households with a vulnerable member, the estimate of `vulnerable_household_share`)."""
    kinds = {g.id: g.kind for g in scenario.groups}
    size = scenario.policy.kk_size
    rows = []
    for a in scenario.areas:
        people = a.total_people
        vulnerable = sum(n for g, n in a.people.items() if kinds.get(g) in VULNERABLE_KINDS)
        v = min(vulnerable / people, 1.0) if people > 0 else 0.0
        kk = people / size
        rows.append(
            (a.id, people, people * a.displaced_share, kk, kk * a.displaced_share, kk * (1 - (1 - v) ** size))
        )
    cols = ["area", "people", "displaced", "kk", "kk_displaced", "kk_vulnerable"]
    return pd.DataFrame.from_records(rows, columns=cols)


def _standard_rows(scenario: Scenario, profile: StandardsProfile, horizon: int) -> pd.DataFrame:
    """One row per area, standards item, group and day (columns `_LONG_COLUMNS`, rates unsummed)."""
    people = _people(scenario)
    items = _items(profile, scenario)
    if people.empty or items.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in _LONG_COLUMNS})
    rows = people.merge(items, on="group", how="inner")
    rows = _priorities(scenario, rows)
    d = rows["displaced_share"].to_numpy(float)
    at_home = np.where(rows["kind"] == "shelter", 0.0, scenario.policy.at_home_share)
    basis = np.where(rows["basis"] == "displaced", d + at_home * (1 - d), 1.0)
    persons = rows["people"].to_numpy(float) * basis * rows["share"].to_numpy(float)
    kk = np.where(rows["per"] == "household", scenario.policy.kk_size, 1.0)
    base = persons * rows["quantity"].to_numpy() / rows["per_persons"].to_numpy() / kk
    once = rows["per_days"].isna().to_numpy()
    daily = np.where(once, base, base / rows["per_days"].fillna(1.0).to_numpy())
    rows = rows[["a_ord", "c_ord", "g_ord", "covers", "priority"]].assign(rate=daily, persons=persons)
    frames = [rows.loc[~once | (day == 1)].assign(day=day) for day in range(1, horizon + 1)]
    return pd.concat(frames, ignore_index=True)[_LONG_COLUMNS]


def _priorities(s: Scenario, rows: pd.DataFrame) -> pd.DataFrame:
    """Each row's weight (and, under the household rule, the general people of households with a
    vulnerable member moved to the `household` group for their base rations)."""
    weight = np.array([g.priority_weight for g in s.groups])
    rows = rows.assign(priority=weight[rows["g_ord"].to_numpy(np.int64)])
    household = next((k for k, g in enumerate(s.groups) if g.kind == "household"), None)
    if s.policy.priority_rule != "household" or household is None:
        return rows
    kind = np.array([g.kind for g in s.groups], dtype=object)[rows["g_ord"].to_numpy(np.int64)]
    base = rows["base"].to_numpy(bool)
    rows.loc[base & (kind != "general"), "priority"] = weight[household]
    general = base & (kind == "general")
    moved = rows.loc[general].copy()
    q = moved["q"].to_numpy(float)
    rows.loc[general, "people"] = rows.loc[general, "people"] * (1 - q)
    moved = moved.assign(people=moved["people"] * q, g_ord=household, priority=weight[household])
    return pd.concat([rows, moved[moved["people"] > 0]], ignore_index=True)


def assessed_needs_group(scenario: Scenario) -> str:
    """The group that carries assessed needs: the first of kind `general`, else the first group."""
    for g in scenario.groups:
        if g.kind == "general":
            return g.id
    return scenario.groups[0].id


def _assessed_rows(s: Scenario, profile: StandardsProfile, horizon: int) -> pd.DataFrame:
    """Assessed needs as rows of the general group (columns `_LONG_COLUMNS`): spread evenly over the
    horizon's days for a commodity the profile needs every day, on day 1 for a one-off one (or one
    the profile does not have). Persons and covers as a standards row of the same commodity would
    have them, so an assessed unit is worth the person-days a standards unit is."""
    records: list[tuple] = []
    if not any(a.needs for a in s.areas):
        return pd.DataFrame.from_records(records, columns=_LONG_COLUMNS)
    c_ord = {c.id: k for k, c in enumerate(s.commodities)}
    group = assessed_needs_group(s)
    g_ord = next(k for k, g in enumerate(s.groups) if g.id == group)
    weight = s.groups[g_ord].priority_weight
    per_person = _per_person(profile, s)
    covers = _general_covers(profile, s, group)
    for k, a in enumerate(s.areas):
        for c, units in a.needs.items():
            rate, daily = per_person.get(c, (1.0, False))
            days = range(1, horizon + 1) if daily else range(1, 2)
            u = float(units) / len(days)
            records += [(k, c_ord[c], g_ord, d, u, u / rate, covers.get(c, 1.0), weight) for d in days]
    return pd.DataFrame.from_records(records, columns=_LONG_COLUMNS)


def _per_person(profile: StandardsProfile, s: Scenario) -> dict[str, tuple[float, bool]]:
    """Per commodity, from the profile's first item of it: the units one person needs (a day for a
    daily item, once for a one-off one; the household size applied to household items), and whether
    it is needed every day."""
    out: dict[str, tuple[float, bool]] = {}
    for item in profile.items:
        if item.commodity in out or item.quantity <= 0:
            continue
        kk = s.policy.kk_size if item.per == "household" else 1.0
        per = item.quantity / item.per_persons / kk
        out[item.commodity] = (per, False) if item.per_days is None else (per / item.per_days, True)
    return out


def _general_covers(profile: StandardsProfile, s: Scenario, group: str) -> dict[str, float]:
    """The normalised covers of each commodity for the group carrying assessed needs."""
    items = _items(profile, s)
    if items.empty:
        return {}
    mine = items[items["group"] == group]
    return {str(c): float(v) for c, v in mine.groupby("commodity")["covers"].max().items()}


def _people(s: Scenario) -> pd.DataFrame:
    g_ord = {g.id: k for k, g in enumerate(s.groups)}
    kinds = {g.id: g.kind for g in s.groups}
    size = s.policy.kk_size
    records = []
    for k, a in enumerate(s.areas):
        vulnerable = sum(n for g, n in a.people.items() if kinds.get(g) in VULNERABLE_KINDS)
        q = vulnerable_household_share(a.total_people, vulnerable, size)
        records += [(a.id, k, g, g_ord[g], n, a.displaced_share, q) for g, n in a.people.items() if n > 0]
    cols = ["area", "a_ord", "group", "g_ord", "people", "displaced_share", "q"]
    return pd.DataFrame.from_records(records, columns=cols)


def _items(profile: StandardsProfile, s: Scenario) -> pd.DataFrame:
    """One row per (group, item), with the item's covers normalised per group and need category."""
    c_ord = {c.id: k for k, c in enumerate(s.commodities)}
    kind = {c.id: c.kind for c in s.commodities}
    all_groups = [g.id for g in s.groups]
    records = [
        (
            g,
            item.commodity,
            c_ord[item.commodity],
            kind[item.commodity],
            item.quantity,
            item.per_persons,
            np.nan if item.per_days is None else item.per_days,
            item.basis,
            item.per,
            item.share,
            item.covers,
            not item.groups,
        )
        for item in profile.items
        for g in (item.groups or all_groups)
    ]
    cols = ["group", "commodity", "c_ord", "kind", "quantity", "per_persons", "per_days", "basis", "per"]
    items = pd.DataFrame.from_records(records, columns=[*cols, "share", "covers", "base"])
    if items.empty:
        return items
    per_c = items.groupby(["group", "kind", "commodity"], sort=False)["covers"].max()
    total = per_c.groupby(level=["group", "kind"]).sum()
    key = pd.MultiIndex.from_frame(items[["group", "kind"]])
    items["covers"] = items["covers"].to_numpy() / total.reindex(key).to_numpy()
    return items


def _empty() -> pd.DataFrame:
    floats = ("units", "kg", "m3", "persons", "covers", "priority")
    return pd.DataFrame(
        {
            c: pd.Series(dtype="int64" if c == "day" else ("float64" if c in floats else "object"))
            for c in NEEDS_COLUMNS
        }
    )


def needs_totals(needs: pd.DataFrame, by: str) -> pd.DataFrame:
    """Sum units, kg and m3 over everything but `by` (e.g. `commodity`, `group`, `area`, `day`)."""
    out = needs.groupby(by, sort=False, as_index=False)[["units", "kg", "m3"]].sum()
    return out
