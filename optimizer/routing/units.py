"""The one place where the scenario's floats become the engines' integers (OR-Tools truncates floats,
PyVRP takes integers): seconds, metres, kilograms, litres and money units of 1/100 rupiah."""

from __future__ import annotations

import math

import numpy as np

from .problem import UNREACHABLE

MONEY_PER_IDR = 100  # money units per rupiah


def seconds(hours: float) -> int:
    return round(hours * 3600)


def hours(secs: float) -> float:
    return secs / 3600


def metres(km: float) -> int:
    return round(km * 1000)


def matrix_seconds(time_h: np.ndarray) -> np.ndarray:
    out = np.full(time_h.shape, UNREACHABLE, np.int64)
    ok = np.isfinite(time_h)
    out[ok] = np.rint(time_h[ok] * 3600).astype(np.int64)
    return out


def matrix_metres(distance_km: np.ndarray) -> np.ndarray:
    out = np.full(distance_km.shape, UNREACHABLE, np.int64)
    ok = np.isfinite(distance_km)
    out[ok] = np.rint(distance_km[ok] * 1000).astype(np.int64)
    return out


def load_amount(kg: float, m3: float) -> tuple[int, int]:
    """A load's (kg, litres), rounded up so that a load never looks lighter than it is."""
    return math.ceil(kg - 1e-9), math.ceil(m3 * 1000 - 1e-9)


def capacity(kg: float, m3: float) -> tuple[int, int]:
    """A vehicle's (kg, litres), rounded down."""
    return math.floor(kg + 1e-9), math.floor(m3 * 1000 + 1e-9)


def money(idr: float) -> int:
    return round(idr * MONEY_PER_IDR)


def per_metre(idr_per_km: float) -> int:
    return round(idr_per_km * MONEY_PER_IDR / 1000)


def per_second(idr_per_h: float) -> int:
    return round(idr_per_h * MONEY_PER_IDR / 3600)


def to_idr(units: int) -> float:
    return units / MONEY_PER_IDR
