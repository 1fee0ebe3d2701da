"""Measures of one option over the scenarios of a study, and the ranking of options.

Over scenarios s with probabilities p_s (renormalised), L_s the priority-weighted unmet person-days:
- `expected_weighted_unmet` = sum_s p_s L_s;
- `worst_decile_weighted_unmet` = CVaR at 90 %: the mean of L over the worst 10 % of probability
  mass (the scenario on the boundary counts with the part of its mass inside);
- fill rates pool person-days: 1 - E[unmet] / E[need], overall, by group and by commodity (units);
- `mean_arrival_h` / `p90_arrival_h`: expectations over scenarios with deliveries of each
  scenario's person-day-weighted mean and 90th percentile of one-way hours to the areas served.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from .evaluate import Outcome
from .result import OptionMetrics, OptionResult, PerScenario

__all__ = ["cvar", "option_metrics", "rank_options"]


def cvar(losses: np.ndarray, p: np.ndarray, alpha: float = 0.9) -> float:
    """Mean of the worst (1 - alpha) probability mass of `losses`."""
    losses, p = np.asarray(losses, float), np.asarray(p, float) / np.sum(p)
    order = np.argsort(-losses, kind="stable")
    tail = 1.0 - alpha
    mass = np.minimum(p[order], np.maximum(tail - np.concatenate([[0.0], np.cumsum(p[order])[:-1]]), 0.0))
    return float((losses[order] * mass).sum() / tail)


def option_metrics(
    outcomes: Sequence[Outcome],
    p: np.ndarray,
    groups: Sequence[str],
    commodities: Sequence[str],
    ids: Sequence[str],
) -> tuple[OptionMetrics, PerScenario]:
    """The option's measures (see the module) and its value per scenario, from its outcome on each."""
    p = np.asarray(p, float) / np.sum(p)
    loss = np.array([o.weighted_unmet for o in outcomes])
    need_g = np.stack([o.need_pd_by_group for o in outcomes])
    unmet_g = np.stack([o.unmet_pd_by_group for o in outcomes])
    need_c = np.stack([o.need_by_commodity for o in outcomes])
    unmet_c = np.stack([o.unmet_by_commodity for o in outcomes])
    fill = np.array([o.fill_rate for o in outcomes])
    metrics: OptionMetrics = {
        "expected_weighted_unmet": float(p @ loss),
        "worst_decile_weighted_unmet": cvar(loss, p, 0.9),
        "fill_rate": _pooled(p @ need_g.sum(axis=1), p @ unmet_g.sum(axis=1)),
        "fill_rate_by_group": _by(groups, p @ need_g, p @ unmet_g),
        "fill_rate_by_commodity": _by(commodities, p @ need_c, p @ unmet_c),
        "mean_arrival_h": _expect([o.mean_arrival_h for o in outcomes], p),
        "p90_arrival_h": _expect([o.p90_arrival_h for o in outcomes], p),
        "unmet_person_days": float(p @ np.array([o.unmet_pd for o in outcomes])),
    }
    per_scenario: PerScenario = {
        "scenario": list(ids),
        "weighted_unmet": [float(x) for x in loss],
        "fill_rate": [float(x) for x in fill],
    }
    return metrics, per_scenario


def _pooled(need: float, unmet: float) -> float:
    return float(1.0 - unmet / need) if need > 0 else 1.0


def _by(ids: Sequence[str], need: np.ndarray, unmet: np.ndarray) -> dict[str, float]:
    return {i: _pooled(n, u) for i, n, u in zip(ids, need, unmet, strict=True) if n > 0}


def _expect(values: Sequence[float], p: np.ndarray) -> float | None:
    v = np.asarray(values, float)
    ok = np.isfinite(v)
    return float(np.average(v[ok], weights=p[ok])) if ok.any() and p[ok].sum() > 0 else None


def rank_options(options: Sequence[OptionResult]) -> list[OptionResult]:
    """Rank 1 = least expected weighted unmet need; ties (within 1e-9 relative) by lower cost."""

    def key(o: OptionResult) -> tuple[float, float, str]:
        return (round(o.metrics["expected_weighted_unmet"], 9), o.cost, o.id)

    ranked = {o.id: k + 1 for k, o in enumerate(sorted(options, key=key))}
    return [replace(o, rank=ranked[o.id]) for o in options]
