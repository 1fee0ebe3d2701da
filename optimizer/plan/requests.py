"""What a coordinator must ask others for: plan.json's `requests`.

`stock_release`: goods that the trips take from a warehouse whose owner is not the receiving area's
kab/kota (the province's buffer stock, Bulog's rice reserve, Kemensos' or BNPB's stock, another
kab/kota's warehouse), summed per warehouse, receiving kab/kota and commodity, with the first day they
leave: the letter the posko sends the owner. A warehouse with no owner is not tracked.

`purchase`: what the trips load at a warehouse beyond its own stock and listed arrivals, bought from
(or asked of) its suppliers, cheapest first, each within what it delivers over the horizon; with the
day to order and the cost (units x price).

`charter`: a charter or requisition the plan takes (plan/charters.py): whom to ask, from which day, how
many vehicles, its cost and the value of the deprivation it avoids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scenarios.jsontypes import JSONDocument
from scenarios.model import Scenario

from ..routing.trips import Trip
from .records import to_float, to_int

__all__ = ["Request", "purchase_requests", "stock_requests"]


@dataclass(frozen=True)
class Request:
    """One request: of `kind`, addressed `to` (an operator or provider) of owner kind `owner`, needed
    from dispatch day `day`; for stock: `units` (and `kg`) of `commodity` from `warehouse` for the areas
    of kab/kota `for_kab`."""

    kind: str
    to: str
    owner: str
    day: int
    warehouse: str | None = None
    for_kab: str | None = None
    commodity: str | None = None
    units: float = 0.0
    kg: float = 0.0
    cost: float | None = None  # IDR, where it has a price (purchases, charters)
    vehicle_type: str | None = None  # charters: the type, how many vehicles, the charter's id and
    vehicles: int | None = None  # the IDR value of the deprivation it avoids
    charter: str | None = None
    value: float | None = None

    def to_dict(self) -> JSONDocument:
        doc: JSONDocument = {"kind": self.kind, "to": self.to, "owner": self.owner, "day": self.day}
        for f in ("warehouse", "for_kab", "commodity", "charter", "vehicle_type", "vehicles"):
            if getattr(self, f) is not None:
                doc[f] = getattr(self, f)
        if self.kind != "charter":
            doc["units"], doc["kg"] = round(self.units, 6), round(self.kg, 3)
        for f in ("cost", "value"):
            if getattr(self, f) is not None:
                doc[f] = round(getattr(self, f), 2)
        return doc

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> Request:
        def text(f: str) -> str | None:
            return None if d.get(f) is None else str(d[f])

        return cls(
            kind=str(d["kind"]),
            to=str(d["to"]),
            owner=str(d["owner"]),
            day=to_int(d["day"]),
            warehouse=text("warehouse"),
            for_kab=text("for_kab"),
            commodity=text("commodity"),
            units=to_float(d.get("units", 0.0)),
            kg=to_float(d.get("kg", 0.0)),
            cost=None if d.get("cost") is None else to_float(d["cost"]),
            vehicle_type=text("vehicle_type"),
            vehicles=None if d.get("vehicles") is None else to_int(d["vehicles"]),
            charter=text("charter"),
            value=None if d.get("value") is None else to_float(d["value"]),
        )


def stock_requests(s: Scenario, trips: Sequence[Trip]) -> tuple[Request, ...]:
    """The cross-owner draws of `trips` (see the module), sorted by warehouse, kab/kota, commodity."""
    wh = {w.id: w for w in s.warehouses}
    kab = {w.id: w.kab_code for w in s.warehouses} | {a.id: a.kab_code for a in s.areas}  # feeds: hubs
    kg = {c.id: c.kg_per_unit for c in s.commodities}
    draws: dict[tuple[str, str, str], list[float]] = {}
    for t in trips:
        w = wh[t.warehouse]
        if w.owner_key is None:
            continue
        for st in t.stops:
            to_kab = kab.get(st.area) or ""
            if w.owner_key == ("kabkota", to_kab):
                continue
            for c, q in st.deliver.items():
                acc = draws.setdefault((w.id, to_kab, c), [0.0, float(t.day)])
                acc[0] += q
                acc[1] = min(acc[1], float(t.day))
    out = []
    for (w_id, to_kab, c), (units, day) in sorted(draws.items()):
        w = wh[w_id]
        out.append(
            Request(
                "stock_release",
                w.operator or w.name,
                str(w.owner),
                int(day),
                w_id,
                to_kab or None,
                c,
                units,
                units * kg[c],
            )
        )
    return tuple(out)


def purchase_requests(s: Scenario, trips: Sequence[Trip]) -> tuple[Request, ...]:
    """The purchases `trips` need (see the module), per supplier, in supplier order."""
    if not s.suppliers:
        return ()
    loaded: dict[tuple[str, str], float] = {}
    for t in trips:
        for st in t.stops:
            for c, q in st.deliver.items():
                loaded[(t.warehouse, c)] = loaded.get((t.warehouse, c), 0.0) + q
    own: dict[tuple[str, str], float] = {}
    for w in s.warehouses:
        for c, u in w.stock.items():
            own[(w.id, c)] = own.get((w.id, c), 0.0) + u
        for a in s.arrivals_of(w):
            if a.supplier is None:
                own[(w.id, a.commodity)] = own.get((w.id, a.commodity), 0.0) + a.units
    kg = {c.id: c.kg_per_unit for c in s.commodities}
    H = s.policy.horizon_days
    bought: dict[str, float] = {}
    for key in sorted({(sp.warehouse, sp.commodity) for sp in s.suppliers}):
        short = max(0.0, loaded.get(key, 0.0) - own.get(key, 0.0))
        offers = sorted(
            (sp for sp in s.suppliers if (sp.warehouse, sp.commodity) == key),
            key=lambda x: (x.price_per_unit, x.id),
        )
        for sp in offers:
            take = min(short, sum(u for _, u in sp.deliveries(H)))
            if take > 1e-9:
                bought[sp.id] = take
                short -= take
    return tuple(
        Request(
            "purchase",
            sp.name,
            sp.kind,
            sp.from_day,
            sp.warehouse,
            None,
            sp.commodity,
            bought[sp.id],
            bought[sp.id] * kg[sp.commodity],
            bought[sp.id] * sp.price_per_unit,
        )
        for sp in s.suppliers
        if sp.id in bought
    )
