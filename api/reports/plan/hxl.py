"""CSV tables with an HXL hashtag row under the header (Humanitarian Exchange Language,
https://hxlstandard.org), so HDX and HXL tools recognise the columns.

Standard hashtags and attributes where they exist: `#loc`, `#adm2`/`#adm4` (kabupaten, desa), `#item`,
`#population`, `#date`, `#inneed`, `#status`, `+code`, `+name`, `+type`, `+num`, `+origin`. The
warehouse is the shipment's origin (`#loc+origin`); `+day`, `+kg` and `+reason` are SIAGA's own attributes
(HXL allows any) for the 1-based horizon day, masses in kg and the unmet reason code.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ..safe_cells import safe_frame

__all__ = ["HXL_TAGS", "write_hxl_csv"]

HXL_TAGS: dict[str, dict[str, str]] = {
    "shipments": {
        "warehouse": "#loc+origin+code",
        "warehouse_name": "#loc+origin+name",
        "kab_code": "#adm2+code",
        "area_code": "#adm4+code",
        "area": "#loc+code",
        "area_name": "#loc+name",
        "commodity": "#item+code",
        "commodity_name": "#item+name",
        "unit": "#item+unit",
        "day": "#date+day",
        "units": "#item+num",
        "kg": "#item+num+kg",
    },
    "unmet": {
        "kab_code": "#adm2+code",
        "area_code": "#adm4+code",
        "area": "#loc+code",
        "area_name": "#loc+name",
        "commodity": "#item+code",
        "commodity_name": "#item+name",
        "unit": "#item+unit",
        "group": "#population+type+code",
        "group_name": "#population+type+name",
        "day": "#date+day",
        "units": "#inneed+num",
        "kg": "#inneed+num+kg",
        "reason": "#status+reason+code",
    },
}


def write_hxl_csv(frame: pd.DataFrame, table: str, path: Path) -> Path:
    """Write `frame` (columns in the order of `HXL_TAGS[table]`) as UTF-8 CSV: header, hashtag row, rows,
    text cells neutralised against formula injection (api/reports/safe_cells.py)."""
    tags = HXL_TAGS[table]
    columns = list(tags)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(columns)
        writer.writerow([tags[c] for c in columns])
        safe_frame(frame[columns]).to_csv(f, header=False, index=False, lineterminator="\n")
    return path
