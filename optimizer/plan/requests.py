"""What a coordinator must ask others for: plan.json's `requests`.

`stock_release`: goods that the trips take from a warehouse whose owner is not the receiving area's
kab/kota (the province's buffer stock, Bulog's rice reserve, Kemensos' or BNPB's stock, another
kab/kota's warehouse), summed per warehouse, receiving kab/kota and commodity, with the first day they
leave: the letter the posko sends the owner. A warehouse with no owner is not tracked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scenarios.jsontypes import JSONDocument
from scenarios.model import Scenario

from ..routing.trips import Trip
from .records import to_float, to_int

__all__ = ["REQUEST_KINDS", "Request", "stock_requests"]

REQUEST_KINDS = ("stock_release",)


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

    def to_dict(self) -> JSONDocument:
        doc: JSONDocument = {"kind": self.kind, "to": self.to, "owner": self.owner, "day": self.day}
        for f in ("warehouse", "for_kab", "commodity"):
            if getattr(self, f) is not None:
                doc[f] = getattr(self, f)
        doc["units"], doc["kg"] = round(self.units, 6), round(self.kg, 3)
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
        )


def stock_requests(s: Scenario, trips: Sequence[Trip]) -> tuple[Request, ...]:
    """The cross-owner draws of `trips` (see the module), sorted by warehouse, kab/kota, commodity."""
    wh = {w.id: w for w in s.warehouses}
    kab = {a.id: a.kab_code for a in s.areas}
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
