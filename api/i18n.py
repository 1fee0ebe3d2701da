"""Labels of what coordinators read, in Indonesian (`id`) and English (`en`)."""

from __future__ import annotations

from typing import Literal

__all__ = ["LABELS", "REASONS", "Lang", "reason_label", "t"]

Lang = Literal["id", "en"]

LABELS: dict[str, tuple[str, str]] = {
    "needs_title": ("Kebutuhan", "Needs"),
    "scenario": ("Skenario", "Scenario"),
    "standards": ("Standar", "Standards"),
    "horizon": ("Horizon", "Horizon"),
    "days": ("hari", "days"),
    "areas": ("Wilayah", "Areas"),
    "people": ("Jiwa terdampak", "People affected"),
    "kk_line": (
        "KK: {kk:,.0f} terdampak, {kk_d:,.0f} mengungsi, {kk_v:,.0f} dengan anggota rentan (perkiraan); "
        "{size:g} jiwa per KK; tinggal di rumah yang masih butuh bantuan: {home:.0%}",
        "Households (KK): {kk:,.0f} affected, {kk_d:,.0f} displaced, {kk_v:,.0f} with a vulnerable member "
        "(estimate); {size:g} people per KK; at home still needing rations: {home:.0%}",
    ),
    "kitchen_line": (
        "Dapur umum: {name} ({area}), {meals:,.0f} porsi/hari, {staff} relawan, hari {first}-{last}",
        "Public kitchen (dapur umum): {name} ({area}), {meals:,.0f} meals/day, {staff} volunteers, "
        "days {first}-{last}",
    ),
    "water_point_line": (
        "Titik air: {name}, {litres:,.0f} L/hari, jangkauan {reach:g} km",
        "Water point: {name}, {litres:,.0f} L/day within {reach:g} km",
    ),
    "basis": ("Dasar", "Basis"),
    "persons_for": ("Orang (hari 1)", "People (day 1)"),
    "basis_affected": ("terdampak", "affected"),
    "basis_displaced": ("pengungsi", "displaced"),
    "per_kk": ("per KK", "per household"),
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
    "plan_title": ("Rencana distribusi bantuan", "Relief distribution plan"),
    "status": ("Status", "Status"),
    "seconds": ("detik", "seconds"),
    "first_feasible": ("rencana layak pertama", "first feasible plan"),
    "kpi": ("Indikator", "Indicator"),
    "value": ("Nilai", "Value"),
    "kpi_arrival": (
        "Waktu tiba pertama (jam): rata-rata / P90 / maks",
        "First arrival (h): mean / P90 / max",
    ),
    "kpi_area_range": ("Pemenuhan wilayah: terendah / tertinggi", "Area fill rate: lowest / highest"),
    "kpi_gini": ("Indeks Gini pemenuhan wilayah", "Gini index of area fill rates"),
    "kpi_cost": ("Biaya (Rp)", "Cost (IDR)"),
    "kpi_tonne_km": ("Ton-km", "Tonne-km"),
    "kpi_vehicle_hours": ("Jam kendaraan", "Vehicle hours"),
    "kpi_vehicles": ("Kendaraan dipakai / perjalanan", "Vehicles used / trips"),
    "worst_areas": ("Wilayah paling kurang terlayani", "Worst-served areas"),
    "groups_title": ("Pemenuhan per kelompok (PMKS/rentan)", "Fill rate by group (PMKS/vulnerable)"),
    "main_reason": ("Alasan utama", "Main reason"),
    "unmet_units": ("Tak terpenuhi (satuan)", "Unmet (units)"),
    "written": ("Ditulis", "Written"),
    "check_title": ("Pemeriksaan rencana", "Plan check"),
    "violations": ("pelanggaran", "violation(s)"),
    "warnings": ("peringatan", "warning(s)"),
    "feasible_plan": ("Rencana layak", "Plan is feasible"),
    "infeasible_plan": ("Rencana TIDAK layak", "Plan is NOT feasible"),
    "kind": ("Jenis", "Kind"),
    "where": ("Lokasi", "Where"),
    "message": ("Keterangan", "Message"),
    "stage_needs": ("Kebutuhan & jaringan", "Needs & network"),
    "stage_allocation": ("Alokasi", "Allocation"),
    "stage_routing": ("Rute", "Routing"),
    "stage_final": ("Rute akhir", "Final routing"),
    "round": ("putaran", "round"),
    "engine_fallback": (
        "Mesin rute cadangan dipakai: {engine} untuk {part} (putaran {round})",
        "Fallback routing engine used: {engine} for {part} (round {round})",
    ),
}

REASONS: dict[str, tuple[str, str]] = {
    "no_stock": ("stok habis", "no stock"),
    "unreachable": ("tidak terjangkau", "unreachable"),
    "horizon": ("di luar horizon", "beyond the horizon"),
    "transport_capacity": ("kapasitas angkut kurang", "transport capacity"),
    "throughput": ("kapasitas bongkar-muat gudang", "warehouse throughput"),
    "time_window": ("di luar jam akses", "outside the access window"),
    "over_capacity": ("terlalu besar untuk kendaraan", "too big for any vehicle"),
    "whole_units": ("pembulatan satuan utuh", "rounding to whole units"),
    "reserve_floor": ("cadangan gudang kabupaten/kota", "kab/kota reserve floor"),
    "small_load": ("muatan terlalu kecil untuk perjalanan jauh", "load too small for a long trip"),
}


def reason_label(reason: str, lang: Lang = "id") -> str:
    """An unmet-need reason in `lang` (the code itself when unknown)."""
    pair = REASONS.get(reason)
    return reason if pair is None else pair[0 if lang == "id" else 1]


def t(key: str, lang: Lang = "id") -> str:
    """The label `key` in `lang`."""
    ind, eng = LABELS[key]
    return ind if lang == "id" else eng
