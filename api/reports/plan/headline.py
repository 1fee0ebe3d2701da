"""The headline KPIs a coordinator reports, as (label, value) rows in Indonesian or English: the same
rows on the CLI summary and the dispatch index (plan.xlsx and the dashboard show the same fields).
People first: person-days without food, water and shelter, the displaced covered for three days, the
households with a vulnerable member reached, cost per household; the unit-weighted unmet last, as a
detail."""

from __future__ import annotations

from api.i18n import Lang
from optimizer.plan import PlanKpis

__all__ = ["CATEGORY_LABELS", "HEADLINE_LABELS", "category_label", "headline_rows"]

CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "food": ("pangan", "food"),
    "water": ("air", "water"),
    "shelter": ("tempat berlindung", "shelter"),
    "hygiene": ("kebersihan dan sanitasi", "hygiene and sanitation"),
    "health": ("kesehatan", "health"),
    "infant": ("kebutuhan bayi dan balita", "infant needs"),
    "elderly": ("kebutuhan lansia", "elderly needs"),
    "disability": ("alat bantu disabilitas", "disability aids"),
    "other": ("lainnya", "other"),
}

HEADLINE_LABELS: dict[str, tuple[str, str]] = {
    "without": ("Orang-hari tanpa {}", "Person-days without {}"),
    "displaced_3d": (
        "Pengungsi tercukupi pangan, air dan tempat berlindung 3 hari",
        "Displaced covered with food, water and shelter for 3 days",
    ),
    "vulnerable_kk": (
        "KK dengan anggota rentan yang menerima bantuan pangan",
        "Households with a vulnerable member that received food",
    ),
    "kk_served": ("KK terlayani (setara)", "Households served (equivalent)"),
    "cost_kk": ("Biaya per KK terlayani (Rp)", "Cost per household served (IDR)"),
    "fill_rate": ("Tingkat pemenuhan (tertimbang orang-hari)", "Fill rate (weighted by person-days)"),
    "first_delivery": (
        "Wilayah yang menerima bantuan / jam tiba pertama terlambat",
        "Areas reached / latest first arrival (h)",
    ),
    "weighted_unmet": (
        "Rincian: satuan tak terpenuhi x bobot prioritas",
        "Detail: unmet units x priority weight",
    ),
}


def category_label(category: str, lang: Lang) -> str:
    ind, eng = CATEGORY_LABELS.get(category, (category, category))
    return ind if lang == "id" else eng


def _label(key: str, lang: Lang) -> str:
    ind, eng = HEADLINE_LABELS[key]
    return ind if lang == "id" else eng


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.1%}"


def _num(x: float | None, digits: int = 0) -> str:
    return "-" if x is None else f"{x:,.{digits}f}"


def headline_rows(k: PlanKpis, lang: Lang) -> list[tuple[str, str]]:
    """(label, value) of the headline KPIs, person-days by category first (food, water, shelter, then the
    others the plan has)."""
    order = ["food", "water", "shelter"]
    cats = order + [c for c in k.person_days_without if c not in order]
    rows = [
        (_label("without", lang).format(category_label(c, lang)), _num(k.person_days_without.get(c, 0.0)))
        for c in cats
    ]
    latest = max(k.first_delivery_h.values(), default=None)
    rows += [
        (_label("displaced_3d", lang), _pct(k.displaced_covered_3d)),
        (_label("vulnerable_kk", lang), _pct(k.vulnerable_households_reached)),
        (_label("kk_served", lang), _num(k.households_served)),
        (_label("cost_kk", lang), _num(k.cost_per_household)),
        (_label("fill_rate", lang), _pct(k.fill_rate)),
        (_label("first_delivery", lang), f"{len(k.first_delivery_h)} / {_num(latest, 1)}"),
        (_label("weighted_unmet", lang), _num(k.weighted_unmet)),
    ]
    return rows
