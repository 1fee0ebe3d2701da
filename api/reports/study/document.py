"""study.json (docs/study-format.md): a study's result as one JSON document, and its ranked
recommendation in Indonesian and English. Pure serialization of `optimizer.study.StudyResult`: the
command line writes it to a file, the HTTP service's study jobs store it."""

from __future__ import annotations

import numpy as np

from optimizer.study import StudyResult

__all__ = ["FORMAT", "recommendation", "study_document"]

FORMAT = "siaga-study/1"


def _num(x):
    if x is None:
        return None
    x = float(x)
    return x if np.isfinite(x) else None


def study_document(r: StudyResult) -> dict:
    spec = r.spec
    opts = sorted(r.options, key=lambda o: o.rank)
    return {
        "format": FORMAT,
        "study": {
            "id": spec.id,
            "name": spec.name,
            "name_en": spec.name_en,
            "description": spec.description,
            "scenario_set": {
                "id": r.set_id,
                "name": r.set_name,
                "source": r.set_source,
                "n_scenarios": len(r.scenario_ids),
            },
            "seed": spec.seed,
            "unmet_unit": r.unmet_unit,
            "evaluation_mode": spec.evaluation.mode,
            "evaluation": _evaluation_text(spec),
            "max_response_h": spec.evaluation.max_response_h,
            "folds": spec.optimise.folds if spec.optimise else None,
            "evaluated_on": len(r.scenario_ids),
            "seconds": {k: round(v, 3) for k, v in r.seconds.items()},
            "optimiser": r.optimiser,
        },
        "groups": [
            {"id": g.id, "name": g.name, "name_en": g.name_en, "priority_weight": g.priority_weight}
            for g in r.groups
        ],
        "commodities": [
            {"id": c.id, "name": c.name, "name_en": c.name_en, "unit": c.unit} for c in r.commodities
        ],
        "sites": [{"id": w.id, "name": w.name, "lat": w.lat, "lon": w.lon} for w in r.sites],
        "options": [_option(o, r) for o in opts],
        "recommendation": recommendation(r),
    }


def _evaluation_text(spec) -> str:
    ev = spec.evaluation
    if ev.mode == "allocation":
        return "day-by-day allocation of each option's stock (siaga allocate)"
    if ev.mode == "plan":
        return f"allocation and vehicle routing ({ev.routing_iterations} iterations per plan)"
    return (
        f"first response from pre-positioned stock within {ev.max_response_h:g} h (transport: {ev.transport})"
    )


def _option(o, r: StudyResult) -> dict:
    stock = [
        {"site": r.sites[w].id, "commodity": r.commodities[c].id, "units": float(o.stock[w, c])}
        for w, c in zip(*np.nonzero(o.stock > 1e-9), strict=True)
    ]
    m = {k: (v if isinstance(v, dict) else _num(v)) for k, v in o.metrics.items()}
    m["cvar_weighted_unmet"] = m["worst_decile_weighted_unmet"]
    return {
        "id": o.id,
        "name": o.name,
        "name_en": o.name_en,
        "kind": o.kind,
        "budget": o.budget,
        "cost": {"opening": o.cost_opening, "holding": o.cost_stock, "total": o.cost},
        "stock": stock,
        "metrics": m,
        "in_sample_weighted_unmet": o.in_sample_weighted_unmet,
        "per_scenario": o.per_scenario,
        "rank": o.rank,
    }


def recommendation(r: StudyResult) -> dict:
    """The best-ranked option, and the best given option at no more than each optimum's budget."""
    best = min(r.options, key=lambda o: o.rank)
    e = best.metrics["expected_weighted_unmet"]
    w = best.metrics["worst_decile_weighted_unmet"]
    unit_id, unit_en = ("orang-hari", "person-days") if r.unmet_unit == "person-days" else ("unit", "units")
    text_id = (
        f"Opsi '{best.name}' meninggalkan kebutuhan tak terpenuhi tertimbang prioritas paling sedikit: "
        f"rata-rata {e:,.0f} {unit_id} (10 % skenario terburuk: {w:,.0f}), tingkat pemenuhan "
        f"{best.metrics['fill_rate']:.1%}, biaya {best.cost:,.0f}."
    )
    text_en = (
        f"Option '{best.name_en or best.name}' leaves the least priority-weighted unmet need: "
        f"expected {e:,.0f} {unit_en} (worst 10 % of scenarios: {w:,.0f}), fill rate "
        f"{best.metrics['fill_rate']:.1%}, cost {best.cost:,.0f}."
    )
    comparisons = []
    for opt in (o for o in r.options if o.kind == "optimised"):
        rivals = [o for o in r.options if o.kind == "given" and o.cost <= (opt.budget or 0) * (1 + 1e-9)]
        if not rivals:
            continue
        rival = min(rivals, key=lambda o: o.metrics["expected_weighted_unmet"])
        a, b = opt.metrics["expected_weighted_unmet"], rival.metrics["expected_weighted_unmet"]
        comparisons.append(
            {
                "optimum": opt.id,
                "budget": opt.budget,
                "best_given": rival.id,
                "best_given_cost": rival.cost,
                "optimum_expected_weighted_unmet": a,
                "best_given_expected_weighted_unmet": b,
                "optimum_matches_or_beats": bool(a <= b * (1 + 1e-6) + 1e-9),
            }
        )
    return {"option": best.id, "text_id": text_id, "text_en": text_en, "budget_comparisons": comparisons}
