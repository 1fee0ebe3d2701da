"""The duty clock: when the crew of a vehicle type may work, on the plan's one clock (hours since day 1,
00:00 local time).

A crew works inside its daily duty window (`VehicleType.duty_window_h`: from `policy.day_start_h` for
`shift_h` hours, cut to 06:00-18:00 when the type is daylight-only), so it never works more than
`shift_h` in a day. Driving a leg that uses a daylight-only edge (the Mahakam above Ujoh Bilang) is
further cut to daylight. Work that does not fit stops where the window ends and goes on when the next
one opens: the time between is a rest, returned with the work so a trip can say where its crew sleeps.
Waiting is not work: the caller moves the clock and records the wait.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scenarios.model import DAYLIGHT_H, VehicleType

__all__ = ["DutyClock", "Worked"]

EPS_H = 1e-9
MAX_DAYS = 400  # a search for a working window gives up after this many days (an empty window)


@dataclass(frozen=True)
class Worked:
    """The end of a piece of work and the rests (from_h, until_h) it was split by."""

    end_h: float
    rests: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class DutyClock:
    """A vehicle type's working hours: `window_h` the (start, end) hours of each day it works (the end
    may pass 24), `daylight_h` the hours a daylight-only leg may be driven."""

    window_h: tuple[float, float]
    daylight_h: tuple[float, float] = DAYLIGHT_H

    @classmethod
    def of(cls, vt: VehicleType, day_start_h: float) -> DutyClock:
        return cls(vt.duty_window_h(day_start_h))

    @property
    def shift_h(self) -> float:
        return self.window_h[1] - self.window_h[0]

    def _pattern(self, daylight: bool) -> list[tuple[float, float]]:
        """The working intervals of day 0 (hours from 00:00 of day 0), as offsets; with `daylight`,
        the window cut to the daylight of day 0 and of day 1 (a window may run past midnight)."""
        lo, hi = self.window_h
        if hi - lo <= EPS_H:
            return []
        if not daylight:
            return [(lo, hi)]
        out = []
        for j in (-1, 0, 1):
            a, b = max(lo, self.daylight_h[0] + 24 * j), min(hi, self.daylight_h[1] + 24 * j)
            if b - a > EPS_H:
                out.append((a, b))
        return out

    def next_window(self, t_h: float, *, daylight: bool = False) -> tuple[float, float]:
        """The working interval that holds `t_h`, or the next one (inf when the crew never works)."""
        pattern = self._pattern(daylight)
        if not pattern:
            return math.inf, math.inf
        k = math.floor((t_h - pattern[-1][1]) / 24)
        for day in range(k, k + MAX_DAYS):
            for a, b in pattern:
                a, b = a + 24 * day, b + 24 * day
                if t_h < b - EPS_H:
                    return max(a, t_h), b
        return math.inf, math.inf

    def work(self, t_h: float, hours: float, *, daylight: bool = False) -> Worked:
        """Do `hours` of work from `t_h`, inside the duty windows (and daylight with `daylight`)."""
        rests: list[tuple[float, float]] = []
        left = hours
        t = t_h
        while left > EPS_H:
            a, b = self.next_window(t, daylight=daylight)
            if not math.isfinite(a):
                return Worked(math.inf, tuple(rests))
            if a > t + EPS_H:
                rests.append((t, a))
            step = min(left, b - a)
            t, left = a + step, left - step
        return Worked(t, tuple(rests))

    def start(self, t_h: float, *, daylight: bool = False) -> float:
        """The first moment at or after `t_h` the crew may start work."""
        return self.next_window(t_h, daylight=daylight)[0]
