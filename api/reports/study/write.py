"""A study's output files: `study.json` (api/reports/study/document.py), `study.csv` (one row per
option), `report.html` with PNG plots (unmet need per option, fill rate by group, stock per option on a
map) and the ranked recommendation, in Indonesian and English."""

from __future__ import annotations

import csv
import html
import json
from pathlib import Path

from optimizer.study import StudyResult
from scenarios.model import Scenario

from ..safe_cells import safe_row
from .document import study_document

__all__ = ["write_study"]


def write_study(r: StudyResult, out_dir: Path, base: Scenario | None = None) -> list[Path]:
    """Write study.json, study.csv, the plots and report.html into `out_dir`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    doc = study_document(r)
    paths = [out_dir / "study.json", out_dir / "study.csv"]
    paths[0].write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    _write_csv(doc, paths[1])
    from .plots import plot_fill_by_group, plot_stock_map, plot_unmet_boxes

    plots = {
        "unmet": plot_unmet_boxes(doc, out_dir / "unmet_by_option.png"),
        "groups": plot_fill_by_group(doc, out_dir / "fill_by_group.png"),
        "map": plot_stock_map(doc, out_dir / "stock_map.png", base),
    }
    report = out_dir / "report.html"
    report.write_text(_html(doc, {k: p.name for k, p in plots.items()}), encoding="utf-8")
    return [*paths, *plots.values(), report]


CSV_FIELDS = [
    "rank",
    "id",
    "name",
    "kind",
    "cost_total",
    "budget",
    "expected_weighted_unmet",
    "worst_decile_weighted_unmet",
    "fill_rate",
    "mean_arrival_h",
    "p90_arrival_h",
    "in_sample_weighted_unmet",
]


def _write_csv(doc: dict, path: Path) -> None:
    """One row per option; text cells neutralised against formula injection (api/reports/safe_cells.py)."""
    groups = [g["id"] for g in doc["groups"]]
    with path.open("w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(safe_row(CSV_FIELDS + [f"fill_rate_{g}" for g in groups]))
        for o in doc["options"]:
            m = o["metrics"]
            row = [o["rank"], o["id"], o["name"], o["kind"], o["cost"]["total"], o["budget"]]
            row += [m[k] for k in CSV_FIELDS[6:11]] + [o["in_sample_weighted_unmet"]]
            row += [m["fill_rate_by_group"].get(g) for g in groups]
            wr.writerow(safe_row("" if v is None else v for v in row))


def _html(doc: dict, plots: dict[str, str]) -> str:
    e = html.escape
    s = doc["study"]
    rec = doc["recommendation"]
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{e(str(v))}</td>"
            for v in (
                o["rank"],
                o["name"] if not o.get("name_en") else f"{o['name']} / {o['name_en']}",
                {"given": "diberikan / given", "optimised": "optimum / optimised"}[o["kind"]],
                f"{o['cost']['total']:,.0f}",
                f"{o['metrics']['expected_weighted_unmet']:,.0f}",
                f"{o['metrics']['worst_decile_weighted_unmet']:,.0f}",
                f"{o['metrics']['fill_rate']:.1%}",
                _h(o["metrics"]["mean_arrival_h"]),
                _h(o["metrics"]["p90_arrival_h"]),
            )
        )
        + "</tr>"
        for o in doc["options"]
    )
    comps = "".join(f"<li>{e(_comparison(c))}</li>" for c in rec["budget_comparisons"])
    folds = s.get("folds")
    oos = (
        f"Optimum dinilai di luar sampel (validasi silang {folds} lipatan) / "
        f"the optimum is evaluated out of sample ({folds}-fold cross-validation)."
        if folds
        else ""
    )
    n = s["scenario_set"]["n_scenarios"]
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>{e(s["name"])}</title>
<style>body{{font-family:sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}}
table{{border-collapse:collapse}}td,th{{border:1px solid #bbb;padding:.3rem .6rem;text-align:right}}
td:nth-child(2),th:nth-child(2){{text-align:left}}img{{max-width:100%}}.rec{{background:#eef6fb;padding:1rem}}</style>
</head><body>
<h1>{e(s["name"])}{" / " + e(s["name_en"]) if s.get("name_en") else ""}</h1>
<p>{e(s.get("description") or "")}</p>
<p>Kumpulan skenario / scenario set: <b>{e(s["scenario_set"]["name"])}</b> ({n} skenario / scenarios).
Sumber / source: {e(s["scenario_set"]["source"])}</p>
<p>Evaluasi / evaluation: {e(s["evaluation"])}. Kebutuhan tak terpenuhi tertimbang dalam orang-hari
dikali bobot prioritas kelompok PMKS / unmet need in person-days times the PMKS group's priority weight.
{oos}</p>
<div class="rec"><h2>Rekomendasi / Recommendation</h2><p>{e(rec["text_id"])}</p><p>{e(rec["text_en"])}</p>
<ul>{comps}</ul></div>
<h2>Opsi / Options</h2>
<table><tr><th>#</th><th>Opsi / option</th><th>Jenis / kind</th><th>Biaya / cost</th>
<th>E[tak terpenuhi] / E[unmet]</th><th>10 % terburuk / worst 10 %</th><th>Pemenuhan / fill</th>
<th>Rata-rata tiba (jam) / mean arrival (h)</th><th>P90 tiba / P90 arrival (h)</th></tr>{rows}</table>
<h2>Kebutuhan tak terpenuhi per opsi / Unmet need per option</h2><img src="{plots["unmet"]}" alt="box plot">
<h2>Pemenuhan per kelompok / Fill rate by group</h2><img src="{plots["groups"]}" alt="fill rate by group">
<h2>Stok per opsi / Stock per option</h2><img src="{plots["map"]}" alt="map of stock per option">
</body></html>
"""


def _h(x) -> str:
    return "-" if x is None else f"{x:.1f}"


def _comparison(c: dict) -> str:
    verdict = (
        "setara atau lebih baik / matches or beats"
        if c["optimum_matches_or_beats"]
        else "lebih buruk / worse"
    )
    return (
        f"{c['optimum']} (anggaran / budget {c['budget']:,.0f}): "
        f"{c['optimum_expected_weighted_unmet']:,.0f} vs {c['best_given']} ({c['best_given_cost']:,.0f}): "
        f"{c['best_given_expected_weighted_unmet']:,.0f}: {verdict}"
    )
