"""The plan's one clock as local date-times: hours since day 1, 00:00 local time, added to the
scenario's `policy.start` (an ISO 8601 date-time with its UTC offset; WITA is +08:00)."""

from __future__ import annotations

from datetime import datetime, timedelta

from scenarios.jsontypes import JSONDocument

__all__ = ["local_iso", "with_local_times"]

TRIP_TIMES = ("start_h", "depart_h", "return_h")
STOP_TIMES = ("arrive_h", "leave_h")
REST_TIMES = ("from_h", "until_h")


def local_iso(start: datetime, hours: float) -> str:
    """`hours` on the plan's clock as a local ISO 8601 date-time to the minute, with its offset."""
    return (start + timedelta(hours=hours)).isoformat(timespec="minutes")


def with_local_times(trip: JSONDocument, start: datetime) -> JSONDocument:
    """A plan.json trip with `<field>_local` beside each of its hours (`depart_local` beside
    `depart_h`, and so on in its stops and rests)."""
    out = dict(trip)
    _add(out, TRIP_TIMES, start)
    for key, times in (("stops", STOP_TIMES), ("rests", REST_TIMES)):
        items = trip.get(key)
        if isinstance(items, list):
            out[key] = [_add(dict(x), times, start) if isinstance(x, dict) else x for x in items]
    return out


def _add(d: dict, keys: tuple[str, ...], start: datetime) -> dict:
    for k in keys:
        h = d.get(k)
        if isinstance(h, int | float):
            d[k.removesuffix("_h") + "_local"] = local_iso(start, float(h))
    return d
