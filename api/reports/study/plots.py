"""PNG plots of a study (matplotlib, no display): unmet need per option as box plots, fill rate by
PMKS group, and a map of each option's stock on the network (Kaltim: with kabupaten boundaries)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from scenarios.bundled import LIBRARY_DIR
from scenarios.model import Scenario

__all__ = ["plot_fill_by_group", "plot_stock_map", "plot_unmet_boxes"]

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def _label(o: dict) -> str:
    return o["id"]


def plot_unmet_boxes(doc: dict, path: Path) -> Path:
    opts = doc["options"]
    fig, ax = plt.subplots(figsize=(max(6, 0.9 * len(opts) + 2), 4.5))
    data = [o["per_scenario"]["weighted_unmet"] for o in opts]
    box = ax.boxplot(data, patch_artist=True, showmeans=True, whis=(5, 95))
    ax.set_xticks(range(1, len(opts) + 1), [_label(o) for o in opts], rotation=30, ha="right")
    for k, patch in enumerate(box["boxes"]):
        patch.set_facecolor(PALETTE[0] if opts[k]["kind"] == "given" else PALETTE[1])
        patch.set_alpha(0.6)
    ax.set_ylabel("orang-hari tertimbang / weighted person-days")
    ax.set_title(
        "Tak terpenuhi per skenario / unmet need per scenario\n"
        "(kotak 25-75 %, garis 5-95 %, ▲ rata-rata / mean)",
        fontsize=10,
    )
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_fill_by_group(doc: dict, path: Path) -> Path:
    opts = doc["options"]
    names = {g["id"]: g.get("name_en") or g["name"] for g in doc["groups"]}
    groups = [g for g in names if any(g in o["metrics"]["fill_rate_by_group"] for o in opts)]
    fig, ax = plt.subplots(figsize=(max(7, 0.5 * len(groups) * len(opts) / 2 + 3), 4.8))
    width = 0.8 / max(len(opts), 1)
    x = np.arange(len(groups))
    for k, o in enumerate(opts):
        vals = [o["metrics"]["fill_rate_by_group"].get(g, np.nan) for g in groups]
        ax.bar(x + k * width, vals, width, label=_label(o), color=PALETTE[k % len(PALETTE)])
    ax.set_xticks(x + 0.4 - width / 2, [names[g] for g in groups], rotation=35, ha="right", fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel("tingkat pemenuhan / fill rate")
    ax.set_title("Pemenuhan per kelompok / fill rate by group")
    ax.legend(fontsize=8, ncols=min(len(opts), 4))
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_stock_map(doc: dict, path: Path, base: Scenario | None = None) -> Path:
    """One small map per option: sites sized by the stock's volume share (units x m3 when known)."""
    opts = doc["options"]
    cols = min(len(opts), 4)
    rows = (len(opts) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 3.8 * rows), squeeze=False)
    sites = {s["id"]: s for s in doc["sites"] if s["lat"] is not None}
    m3 = _m3(base)
    for k, ax in enumerate(axes.ravel()):
        if k >= len(opts):
            ax.axis("off")
            continue
        _background(ax, base, doc)
        o = opts[k]
        size: dict[str, float] = {}
        for line in o["stock"]:
            size[line["site"]] = size.get(line["site"], 0.0) + line["units"] * m3.get(line["commodity"], 1.0)
        total = sum(size.values()) or 1.0
        xs = [sites[s]["lon"] for s in size if s in sites]
        ys = [sites[s]["lat"] for s in size if s in sites]
        ss = [1200 * size[s] / total + 8 for s in size if s in sites]
        ax.scatter([s["lon"] for s in sites.values()], [s["lat"] for s in sites.values()], s=6, c="#999999")
        ax.scatter(
            xs, ys, s=ss, c=PALETTE[0] if o["kind"] == "given" else PALETTE[1], alpha=0.7, edgecolors="k"
        )
        ax.set_title(f"{o['rank']}. {_label(o)}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_aspect("equal", adjustable="datalim")
    fig.suptitle("Stok per lokasi (ukuran ~ volume) / stock per site (size ~ volume)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _m3(base: Scenario | None) -> dict[str, float]:
    return {c.id: max(c.m3_per_unit, 1e-6) for c in base.commodities} if base else {}


def _background(ax, base: Scenario | None, doc: dict) -> None:
    if doc["study"]["scenario_set"]["id"].startswith("kaltim"):
        _kabupaten(ax)
    if base is None:
        return
    pos = {n.id: (n.lon, n.lat) for n in base.network.nodes}
    for e in base.network.edges:
        if e.source in pos and e.target in pos and e.mode in ("road", "river"):
            (x0, y0), (x1, y1) = pos[e.source], pos[e.target]
            ax.plot([x0, x1], [y0, y1], lw=0.3, c="#56B4E9" if e.mode == "river" else "#bbbbbb", zorder=0)


def _kabupaten(ax) -> None:
    path = LIBRARY_DIR / "kaltim" / "admin" / "kabupaten.geojson"
    if not path.is_file():
        return
    for feat in json.loads(path.read_text(encoding="utf-8"))["features"]:
        geom = feat["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for poly in polys:
            ring = np.asarray(poly[0])
            ax.plot(ring[:, 0], ring[:, 1], lw=0.4, c="#666666", zorder=0)
