"""Dispatch sheets: one printable page set per vehicle: its whole timeline over the horizon (every trip in
order with local date-times when the scenario gives its start, where it loads, where the crew rests),
then each trip (the empty drive to the warehouse, departure, stops in order with ETA and what to unload,
the load list, rests and overnight stops, return time, signatures), and an index of them."""

from __future__ import annotations

from collections import defaultdict
from html import escape

from api.i18n import Lang
from optimizer.plan import Plan
from optimizer.routing.trips import Rest, Stop, Trip
from scenarios.model import Area, Scenario

from .formats import eta, number, safe_file_name
from .headline import headline_rows
from .labels import LABELS, label
from .lookup import Lookup, kab_code, kec_code, name_in
from .page import page

__all__ = ["dispatch_html", "index_html", "vehicle_file_name", "vehicle_trips"]


def vehicle_file_name(vehicle: str) -> str:
    """The dispatch sheet's file name: "WH-SMD/truck-6t/2" -> "WH-SMD_truck-6t_2.html"."""
    return f"{safe_file_name(vehicle)}.html"


def vehicle_trips(plan: Plan) -> dict[str, list[Trip]]:
    """Each vehicle's trips and feeds (trips to a hub) in the order they begin, vehicles in the order
    they first appear."""
    trips: dict[str, list[Trip]] = defaultdict(list)
    for t in (*plan.trips, *plan.feeds):
        trips[t.vehicle].append(t)
    return {v: sorted(ts, key=lambda t: (t.began_h or 0.0, t.trip)) for v, ts in trips.items()}


def dispatch_html(scenario: Scenario, plan: Plan, vehicle: str, lang: Lang = "id") -> str:
    """The printable dispatch sheet of `vehicle` in Indonesian (`id`) or English (`en`)."""
    look = Lookup(scenario)
    trips = vehicle_trips(plan).get(vehicle, [])
    body = _header(look, plan, vehicle, trips, lang) + _timeline_table(look, trips, lang)
    body += "".join(_trip_section(look, t, lang) for t in trips) or f"<p>{_e(label('no_trips', lang))}</p>"
    return page(f"{label('dispatch_title', lang)}: {vehicle}", body, lang)


def index_html(scenario: Scenario, plan: Plan, lang: Lang = "id") -> str:
    """A page linking every vehicle's dispatch sheet, with its type, base, trips and days."""
    look = Lookup(scenario)
    head = ["vehicle", "vehicle_type", "base", "trips", "days"]
    rows = "".join(_index_row(look, v, ts, lang) for v, ts in vehicle_trips(plan).items())
    title = label("index_title", lang)
    body = (
        f"<h1>{_e(title)}</h1>\n<p>{_e(label('scenario', lang))}: {_e(_scenario_name(scenario, plan))}</p>\n"
        f"<table>{_head_row(head, lang)}{rows}</table>\n{_headline(plan, lang)}"
    )
    return page(title, body, lang)


def _headline(plan: Plan, lang: Lang) -> str:
    """The plan's headline KPIs (people first), as on the CLI summary."""
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in headline_rows(plan.kpis, lang))
    return f'<h2>{_e(label("headline", lang))}</h2>\n<table class="meta">{rows}</table>'


def _index_row(look: Lookup, vehicle: str, trips: list[Trip], lang: Lang) -> str:
    days = ", ".join(str(d) for d in sorted({t.day for t in trips}))
    link = f'<a href="{_e(vehicle_file_name(vehicle))}">{_e(vehicle)}</a>'
    cells = [link, _e(_vehicle_type_name(look, trips[0], lang)), _e(_base_name(look, trips[0], lang))]
    return _row([*cells, str(len(trips)), _e(days)])


def _header(look: Lookup, plan: Plan, vehicle: str, trips: list[Trip], lang: Lang) -> str:
    first = trips[0] if trips else None
    meta = [
        ("scenario", _scenario_name(look.scenario, plan)),
        ("vehicle", vehicle),
        ("vehicle_type", _vehicle_type_name(look, first, lang)),
        ("base", _base_name(look, first, lang)),
        ("status", _status(plan, lang)),
        ("seed", str(plan.seed)),
    ]
    rows = "".join(f"<tr><th>{_e(label(k, lang))}</th><td>{_e(v)}</td></tr>" for k, v in meta)
    return f'<h1>{_e(label("dispatch_title", lang))}</h1>\n<table class="meta">{rows}</table>\n'


def _timeline_table(look: Lookup, trips: list[Trip], lang: Lang) -> str:
    """The vehicle's trips in order: where it loads, when it sets out, leaves loaded and is back, how many
    stops and rests."""
    if not trips:
        return ""
    head = ["trip", "load_at", "sets_out", "depart", "back", "stops", "rests"]
    rows = "".join(
        _row(
            [
                str(t.trip),
                _e(_warehouse_name(look, t.warehouse, lang)),
                _e(_when(look, t.began_h, lang)),
                _e(_when(look, t.depart_h, lang)),
                _e(_when(look, t.return_h, lang)),
                str(len(t.stops)),
                str(len(t.rests)),
            ]
        )
        for t in trips
    )
    table = f'<table class="timeline">{_head_row(head, lang)}{rows}</table>'
    return f"<h2>{_e(label('timeline', lang))}</h2>\n{table}\n"


def _trip_section(look: Lookup, trip: Trip, lang: Lang) -> str:
    title = f"{label('day', lang)} {trip.day} · {label('trip', lang)} {trip.trip}"
    load_at = f"{label('load_at', lang)}: {_warehouse_name(look, trip.warehouse, lang)}"
    depart = f"{label('depart', lang)}: {_when(look, trip.depart_h, lang)}"
    distance = f"{label('distance', lang)}: {number(trip.distance_km or 0.0, lang, 1)} km"
    back = f"{label('return', lang)}: {_when(look, trip.return_h, lang)}"
    feed = f"<p><b>{_e(label('feed_trip', lang))}</b></p>\n" if trip.feed else ""
    return (
        f'<section class="trip">\n<h2>{_e(title)}</h2>\n{feed}{_empty_drive(look, trip, lang)}'
        f"<p><b>{_e(load_at)}</b> · <b>{_e(depart)}</b> · {_e(distance)}</p>\n"
        f"<h3>{_e(label('stops', lang))}</h3>\n{_stops_table(look, trip, lang)}\n"
        f"<h3>{_e(label('load', lang))}</h3>\n{_load_table(look, trip, lang)}\n"
        f"{_rests_table(look, trip, lang)}"
        f"<p><b>{_e(back)}</b></p>\n{_signatures(lang)}\n</section>\n"
    )


def _empty_drive(look: Lookup, trip: Trip, lang: Lang) -> str:
    if trip.empty_from is None:
        return ""
    text = (
        f"{label('empty_from', lang)} {_warehouse_name(look, trip.empty_from, lang)}, "
        f"{_when(look, trip.start_h, lang)} ({number(trip.empty_km, lang, 1)} km)"
    )
    return f"<p>{_e(text)}</p>\n"


def _rests_table(look: Lookup, trip: Trip, lang: Lang) -> str:
    """Where the crew stops and sleeps: the place (or the leg it is on), from and until."""
    if not trip.rests:
        return ""
    head = ["rest_where", "from", "until"]
    rows = "".join(
        _row(
            [
                _e(_rest_place(look, r, lang)),
                _e(_when(look, r.from_h, lang)),
                _e(_when(look, r.until_h, lang)),
            ]
        )
        for r in trip.rests
    )
    return (
        f'<h3>{_e(label("rests", lang))}</h3>\n<table class="rests">{_head_row(head, lang)}{rows}</table>\n'
    )


def _rest_place(look: Lookup, r: Rest, lang: Lang) -> str:
    if r.between is not None:
        a, b = (_place_name(look, x, lang) for x in r.between)
        return f"{label('en_route', lang)} {a} - {b} ({number(r.driven_h or 0.0, lang, 1)} h)"
    return _place_name(look, r.at or "", lang)


def _place_name(look: Lookup, place: str, lang: Lang) -> str:
    if place in look.warehouses:
        return _warehouse_name(look, place, lang)
    return name_in(look.areas.get(place), lang) or place


def _warehouse_name(look: Lookup, w: str, lang: Lang) -> str:
    return name_in(look.warehouses.get(w), lang) or w


def _stops_table(look: Lookup, trip: Trip, lang: Lang) -> str:
    head = ["no", "area", "admin", "eta", "leaves", "commodity", "units", "unit", "kg", "receipt"]
    rows = "".join(_stop_rows(look, k, st, lang) for k, st in enumerate(trip.stops, 1))
    return f'<table class="stops">{_head_row(head, lang)}{rows}</table>'


def _stop_rows(look: Lookup, no: int, stop: Stop, lang: Lang) -> str:
    """A stop's rows: one per commodity unloaded, the stop's own cells spanning them."""
    area = look.areas.get(stop.area)
    code = f' <span class="code">({_e(area.code)})</span>' if area and area.code else ""
    place = name_in(area, lang) or _place_name(look, stop.area, lang)
    span = len(stop.deliver)
    td = f'<td rowspan="{span}"' if span > 1 else "<td"
    stop_cells = [
        f"{td}>{no}</td>",
        f"{td}>{_e(place)}{code}</td>",
        f"{td}>{_e(_admin(area, lang))}</td>",
        f'{td} class="num">{_e(_when(look, stop.arrive_h, lang))}</td>',
        f'{td} class="num">{_e(_when(look, stop.leave_h, lang))}</td>',
    ]
    lines = [_item_cells(look, c, q, lang) for c, q in stop.deliver.items()] or ["<td></td>" * 4]
    receipt = f"{td}></td>"
    rows = [f"<tr>{''.join(stop_cells)}{lines[0]}{receipt}</tr>"]
    rows += [f"<tr>{line}</tr>" for line in lines[1:]]
    return "".join(rows)


def _load_table(look: Lookup, trip: Trip, lang: Lang) -> str:
    """Totals per commodity over the trip's stops, then total kg and m3."""
    totals: dict[str, float] = defaultdict(float)
    for st in trip.stops:
        for c, q in st.deliver.items():
            totals[c] += q
    kg = sum(q * look.kg_per_unit(c) for c, q in totals.items())
    m3 = sum(q * look.m3_per_unit(c) for c, q in totals.items())
    rows = "".join(
        f"<tr>{_item_cells(look, c, q, lang)}{_num(q * look.m3_per_unit(c), lang, 3)}</tr>"
        for c, q in totals.items()
    )
    total_label = f'<td colspan="3">{_e(label("total", lang))}</td>'
    total = f'<tr class="total">{total_label}{_num(kg, lang, 1)}{_num(m3, lang, 3)}</tr>'
    head = _head_row(["commodity", "units", "unit", "kg", "m3"], lang)
    return f'<table class="load">{head}{rows}{total}</table>'


def _item_cells(look: Lookup, commodity: str, units: float, lang: Lang) -> str:
    """Commodity name, units, unit name and kg as four cells."""
    item = look.commodities.get(commodity)
    name = name_in(item, lang) or commodity
    unit = item.unit if item else ""
    kg = units * look.kg_per_unit(commodity)
    return f"<td>{_e(name)}</td>{_num(units, lang)}<td>{_e(unit)}</td>{_num(kg, lang, 1)}"


def _signatures(lang: Lang) -> str:
    boxes = "".join(
        f'<div><b>{_e(label(k, lang))}</b><div class="line">{_e(label("sign", lang))}</div></div>'
        for k in ("driver", "warehouse_officer", "receiver")
    )
    return f'<div class="signatures">{boxes}</div>'


def _admin(area: Area | None, lang: Lang) -> str:
    """The kecamatan and kabupaten codes known ("Kec. 64.72.05 / Kab./Kota 64.72"), else "—"."""
    parts = [
        f"{label(k, lang)} {code}" for k, code in (("kec", kec_code(area)), ("kab", kab_code(area))) if code
    ]
    return " / ".join(parts) or "—"


def _when(look: Lookup, hours: float | None, lang: Lang) -> str:
    """A time on the plan's clock, with the local date when the scenario gives its start; "—" when a
    (hand-made) trip does not give it."""
    return "—" if hours is None else eta(hours, lang, look.scenario.policy.start)


def _status(plan: Plan, lang: Lang) -> str:
    status = plan.status
    return label(f"status_{status}", lang) if f"status_{status}" in LABELS else status


def _scenario_name(scenario: Scenario, plan: Plan) -> str:
    return plan.scenario_name or scenario.name


def _vehicle_type_name(look: Lookup, trip: Trip | None, lang: Lang) -> str:
    vt_id = trip.vehicle_type if trip is not None else ""
    name = name_in(look.vehicle_types.get(vt_id), lang)
    return f"{name} ({vt_id})" if name else vt_id


def _base_name(look: Lookup, trip: Trip | None, lang: Lang) -> str:
    wh = trip.home if trip is not None else ""
    return name_in(look.warehouses.get(wh), lang) or wh


def _head_row(keys: list[str], lang: Lang) -> str:
    return "<tr>" + "".join(f"<th>{_e(label(k, lang))}</th>" for k in keys) + "</tr>"


def _row(cells: list[str]) -> str:
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _num(value: float, lang: Lang, decimals: int = 2) -> str:
    return f'<td class="num">{_e(number(value, lang, decimals))}</td>'


def _e(text: object) -> str:
    return escape(str(text))
