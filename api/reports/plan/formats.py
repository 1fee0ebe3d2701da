"""How numbers, clock times and file names are written in the exports."""

from __future__ import annotations

import math
import re

from api.i18n import Lang

from .labels import label

__all__ = ["day_clock", "eta", "number", "safe_file_name"]

MINUTES_PER_DAY = 24 * 60
_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]")


def day_clock(day: int, hours: float) -> tuple[int, str]:
    """(day, "HH:MM") of `hours` on day `day`'s clock: hours >= 24 carry into later days, negative hours
    into earlier ones."""
    minutes = round(hours * 60)
    days, rest = divmod(minutes, MINUTES_PER_DAY)
    return day + days, f"{rest // 60:02d}:{rest % 60:02d}"


def eta(day: int, hours: float, lang: Lang) -> str:
    """A clock time as coordinators read it: "Hari 2 09:30" / "Day 2 09:30"."""
    d, hhmm = day_clock(day, hours)
    return f"{label('day', lang)} {d} {hhmm}"


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
