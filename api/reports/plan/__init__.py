"""A plan's output files: plan.json, routes.geojson, HXL-tagged CSVs, plan.xlsx and printable dispatch
sheets per vehicle, in Indonesian (default) or English."""

from .dispatch import dispatch_html, index_html, vehicle_file_name
from .geojson import routes_geojson
from .hxl import HXL_TAGS, write_hxl_csv
from .labels import LABELS
from .tables import shipments_frame, unmet_frame
from .write import write_plan
from .xlsx import write_xlsx

__all__ = [
    "HXL_TAGS",
    "LABELS",
    "dispatch_html",
    "index_html",
    "routes_geojson",
    "shipments_frame",
    "unmet_frame",
    "vehicle_file_name",
    "write_hxl_csv",
    "write_plan",
    "write_xlsx",
]
