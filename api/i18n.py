"""Labels of what coordinators read, in Indonesian (`id`) and English (`en`)."""

from __future__ import annotations

from typing import Literal

__all__ = ["LABELS", "Lang", "t"]

Lang = Literal["id", "en"]

LABELS: dict[str, tuple[str, str]] = {
    "needs_title": ("Kebutuhan", "Needs"),
    "scenario": ("Skenario", "Scenario"),
    "standards": ("Standar", "Standards"),
    "horizon": ("Horizon", "Horizon"),
    "days": ("hari", "days"),
    "areas": ("Wilayah", "Areas"),
    "people": ("Jiwa terdampak", "People affected"),
    "commodity": ("Komoditas", "Commodity"),
    "group": ("Kelompok", "Group"),
    "area": ("Wilayah", "Area"),
    "unit": ("Satuan", "Unit"),
    "units": ("Jumlah", "Units"),
    "weight_t": ("Berat (t)", "Weight (t)"),
    "volume_m3": ("Volume (m³)", "Volume (m³)"),
    "total": ("Total", "Total"),
    "by_commodity": ("Kebutuhan per komoditas", "Needs by commodity"),
    "by_group": ("Jiwa dan kebutuhan per kelompok (PMKS/rentan)", "People and needs by group"),
    "by_area": ("Kebutuhan per wilayah", "Needs by area"),
    "priority": ("Bobot prioritas", "Priority weight"),
    "valid": ("Skenario valid", "Scenario is valid"),
    "warehouses": ("Gudang", "Warehouses"),
    "vehicles": ("Kendaraan", "Vehicles"),
    "nodes": ("Simpul jaringan", "Network nodes"),
    "edges": ("Ruas jaringan", "Network links"),
    "damage": ("Kerusakan", "Damage"),
    "bundled": ("Skenario bawaan", "Bundled scenarios"),
    "name": ("Nama", "Name"),
    "errors": ("kesalahan", "error(s)"),
    "reach_title": ("Keterjangkauan wilayah", "Area reachability"),
    "isolated": ("Terisolasi", "Isolated"),
    "river_air_only": ("Hanya lewat sungai/udara", "River or air only"),
    "modes": ("Moda", "Modes"),
    "fastest": ("Tercepat (gudang / kendaraan)", "Fastest (warehouse / vehicle)"),
    "time_h": ("Waktu (jam)", "Time (h)"),
    "options": ("Pilihan", "Options"),
    "cut_edges": ("Ruas terputus", "Cut links"),
    "yes": ("ya", "yes"),
    "alloc_title": ("Alokasi bantuan", "Allocation"),
    "fill_rate": ("tingkat pemenuhan", "fill rate"),
    "worst_area": ("wilayah terendah", "worst area"),
    "shipments": ("pengiriman", "shipments"),
    "unmet_by_reason": ("Kebutuhan tidak terpenuhi per alasan", "Unmet need by reason"),
    "reason": ("Alasan", "Reason"),
    "no": ("tidak", "no"),
    "route_title": ("Rute kendaraan", "Vehicle routes"),
    "trips": ("perjalanan", "trips"),
    "vehicles_used": ("kendaraan dipakai", "vehicles used"),
    "carried": ("terangkut", "carried"),
    "cost_idr": ("biaya (Rp)", "cost (IDR)"),
    "vehicle": ("Kendaraan", "Vehicle"),
    "day": ("Hari", "Day"),
    "depart": ("Berangkat", "Depart"),
    "stops": ("Tujuan (jam tiba)", "Stops (arrival h)"),
    "load_kg": ("Muatan (kg)", "Load (kg)"),
    "unassigned_by_reason": ("Muatan tidak terangkut per alasan", "Loads not carried by reason"),
}


def t(key: str, lang: Lang = "id") -> str:
    """The label `key` in `lang`."""
    ind, eng = LABELS[key]
    return ind if lang == "id" else eng
