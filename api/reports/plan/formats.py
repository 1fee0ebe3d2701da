"""How numbers, clock times and file names are written in the exports."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from api.i18n import Lang

from .labels import label

__all__ = ["day_clock", "eta", "number", "safe_file_name", "zone_name"]

MINUTES_PER_DAY = 24 * 60
MONTHS_ID = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ZONES = {7.0: "WIB", 8.0: "WITA", 9.0: "WIT"}
_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]")


def day_clock(day: int, hours: float) -> tuple[int, str]:
    """(day, "HH:MM") of `hours` on day `day`'s clock: hours >= 24 carry into later days, negative hours
    into earlier ones."""
    minutes = round(hours * 60)
    days, rest = divmod(minutes, MINUTES_PER_DAY)
    return day + days, f"{rest // 60:02d}:{rest % 60:02d}"


def eta(hours: float, lang: Lang, start: datetime | None = None) -> str:
    """A time on the plan's clock (hours since day 1, 00:00) as coordinators read it: "Hari 2 09:30" /
    "Day 2 09:30", and with the scenario's start the local date too: "Hari 2, 10 Jun 2019 09:30 WITA"."""
    d, hhmm = day_clock(1, hours)
    text = f"{label('day', lang)} {d} {hhmm}"
    if start is None:
        return text
    t = start + timedelta(hours=hours)
    month = (MONTHS_ID if lang == "id" else MONTHS_EN)[t.month - 1]
    return f"{label('day', lang)} {d}, {t.day} {month} {t.year} {t:%H:%M} {zone_name(t)}"


def zone_name(t: datetime) -> str:
    """Indonesia's time zone names for their offsets (WIB, WITA, WIT), else "UTC+hh:mm"."""
    offset = t.utcoffset() or timedelta(0)
    hours = offset.total_seconds() / 3600
    if hours in ZONES:
        return ZONES[hours]
    sign = "+" if offset >= timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds() // 60))
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def number(value: float, lang: Lang, decimals: int = 2) -> str:
    """`value` with thousands separators ("1.250,5" in Indonesian, "1,250.5" in English); whole numbers
    without decimals, others with at most `decimals` (trailing zeros dropped)."""
    if not math.isfinite(value):
        return str(value)
    rounded = round(value, decimals)
    text = f"{rounded:,.0f}" if rounded == int(rounded) else f"{rounded:,.{decimals}f}".rstrip("0")
    if lang == "id":
        text = text.translate(str.maketrans(",.", ".,"))
    return text


def safe_file_name(name: str) -> str:
    """`name` usable as a file name: "/" and every other character outside [A-Za-z0-9_.-] become "_"."""
    return _UNSAFE.sub("_", name)
