"""Labels of the exported files coordinators and drivers read, in Indonesian (`id`) and English (`en`)."""

from __future__ import annotations

from api.i18n import Lang

__all__ = ["LABELS", "label"]

LABELS: dict[str, tuple[str, str]] = {
    "dispatch_title": ("Surat jalan distribusi bantuan", "Relief dispatch sheet"),
    "index_title": ("Surat jalan per kendaraan", "Dispatch sheets by vehicle"),
    "headline": ("Ringkasan: orang yang terlayani dan yang belum", "Summary: people served and not yet"),
    "scenario": ("Skenario", "Scenario"),
    "vehicle": ("Kendaraan", "Vehicle"),
    "vehicle_type": ("Jenis kendaraan", "Vehicle type"),
    "base": ("Gudang asal", "Base warehouse"),
    "status": ("Status rencana", "Plan status"),
    "seed": ("Seed", "Seed"),
    "day": ("Hari", "Day"),
    "trip": ("Perjalanan", "Trip"),
    "trips": ("Jumlah perjalanan", "Trips"),
    "days": ("Hari", "Days"),
    "depart": ("Berangkat", "Departure"),
    "return": ("Kembali di gudang", "Back at the warehouse"),
    "distance": ("Jarak", "Distance"),
    "timeline": ("Jadwal kendaraan selama tanggap darurat", "Vehicle timeline over the response"),
    "load_at": ("Muat di gudang", "Loads at"),
    "feed_trip": (
        "Angkutan ke titik alih muat (hub): barang diturunkan untuk diteruskan kendaraan lain",
        "Trip to a transshipment hub: the goods are unloaded there for other vehicles to take on",
    ),
    "sets_out": ("Mulai bertugas", "Sets out"),
    "back": ("Kembali", "Back"),
    "empty_from": ("Berangkat kosong dari", "Drives empty from"),
    "leaves": ("Selesai bongkar", "Unloaded by"),
    "rests": ("Istirahat dan bermalam", "Rests and overnight stops"),
    "rest_where": ("Tempat", "Where"),
    "from": ("Dari", "From"),
    "until": ("Sampai", "Until"),
    "en_route": ("Di perjalanan", "On the way"),
    "stops": ("Urutan titik bongkar", "Stops in order"),
    "no": ("No.", "No."),
    "area": ("Wilayah", "Area"),
    "admin": ("Kecamatan / kabupaten", "District / regency"),
    "kec": ("Kec.", "District"),
    "kab": ("Kab./Kota", "Regency"),
    "eta": ("Perkiraan tiba", "ETA"),
    "unload": ("Bongkar", "Unload"),
    "commodity": ("Komoditas", "Commodity"),
    "units": ("Jumlah", "Units"),
    "unit": ("Satuan", "Unit"),
    "kg": ("Berat (kg)", "Weight (kg)"),
    "m3": ("Volume (m³)", "Volume (m³)"),
    "receipt": ("Paraf penerima", "Receiver's initials"),
    "load": ("Daftar muatan", "Load list"),
    "total": ("Total", "Total"),
    "driver": ("Pengemudi", "Driver"),
    "warehouse_officer": ("Petugas gudang", "Warehouse officer"),
    "receiver": ("Penerima", "Receiving officer"),
    "sign": ("Nama dan tanda tangan", "Name and signature"),
    "no_trips": ("Tidak ada perjalanan untuk kendaraan ini.", "No trips for this vehicle."),
    "status_optimal": ("optimal", "optimal"),
    "status_feasible": ("layak", "feasible"),
    "status_partial": ("sebagian", "partial"),
}


def label(key: str, lang: Lang) -> str:
    """The label `key` in `lang` (the key itself when unknown)."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "id" else pair[1]
