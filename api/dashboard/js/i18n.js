// What coordinators read, in Indonesian (id, the default) and English (en).
// Static text in index.html carries data-i18n="key" (text) or data-i18n-attr="attr:key;attr:key".

const T = {
  // the frame
  "app.title": ["SIAGA — Dasbor koordinator", "SIAGA — Coordinator dashboard"],
  "app.subtitle": ["Dasbor koordinator bantuan", "Relief coordinator dashboard"],
  "app.skip": ["Lompat ke panel", "Skip to the panel"],
  "nav.label": ["Tampilan", "Views"],
  "view.scenario": ["Skenario", "Scenario"],
  "view.plan": ["Rencana", "Plan"],
  "view.incident": ["Insiden", "Incident"],
  "view.study": ["Studi stok", "Stockpile study"],
  "lang.switch": ["English", "Bahasa Indonesia"],
  "lang.switch.label": ["Switch to English", "Ganti ke Bahasa Indonesia"],
  "key.button": ["Kunci API", "API key"],
  "key.title": ["Masukkan kunci API", "Enter your API key"],
  "key.help": [
    "Kunci dibuat dengan `siaga keys create --role coordinator`. Kunci hanya disimpan di tab browser ini sampai ditutup.",
    "Make a key with `siaga keys create --role coordinator`. It is kept in this browser tab only, until you close it.",
  ],
  "key.label": ["Kunci API", "API key"],
  "key.submit": ["Masuk", "Sign in"],
  "key.forget": ["Lupakan kunci", "Forget the key"],
  "key.invalid": ["Kunci tidak diterima: {detail}", "The key was refused: {detail}"],
  "key.checking": ["Memeriksa kunci…", "Checking the key…"],
  "status.loading": ["Memuat…", "Loading…"],
  "status.ready": ["Siap.", "Ready."],
  "status.offline": [
    "Server tidak menjawab. Periksa apakah `siaga serve` berjalan.",
    "The server does not answer. Is `siaga serve` running?",
  ],
  "error.forbidden": ["Peran kunci ini tidak cukup: {detail}", "This key's role is too low: {detail}"],
  "error.generic": ["Gagal: {detail}", "Failed: {detail}"],
  "close": ["Tutup", "Close"],
  "stat.max": ["maks", "max"],
  "stat.median": ["median", "median"],
  "stat.mean": ["rata-rata", "mean"],
  "none": ["tidak ada", "none"],
  "yes": ["ya", "yes"],
  "no": ["tidak", "no"],
  "show_all": ["Tampilkan semua ({n})", "Show all ({n})"],
  "show_less": ["Tampilkan lebih sedikit", "Show fewer"],

  // map
  "map.label": ["Peta Kalimantan Timur", "Map of East Kalimantan"],
  "map.zoom_in": ["Perbesar", "Zoom in"],
  "map.zoom_out": ["Perkecil", "Zoom out"],
  "map.fit": ["Tampilkan seluruh wilayah terdampak", "Show all affected areas"],
  "map.province": ["Tampilkan seluruh provinsi", "Show the whole province"],
  "map.keys": [
    "Peta: panah = geser, + / − = perbesar/perkecil, Tab = pilih wilayah/gudang/ruas, Enter = rincian.",
    "Map: arrows pan, + / − zoom, Tab moves through areas, warehouses and links, Enter opens details.",
  ],
  "map.before": ["Sebelum", "Before"],
  "map.after": ["Sesudah", "After"],
  "legend.title": ["Legenda", "Legend"],
  "legend.people": ["Ukuran lingkaran: jumlah jiwa", "Circle size: people"],
  "legend.need": ["Warna: kebutuhan (t) selama horizon", "Colour: need (t) over the horizon"],
  "legend.fill": ["Warna: tingkat pemenuhan wilayah", "Colour: area fill rate"],
  "legend.warehouse": ["Gudang", "Warehouse"],
  "legend.closed": ["Ruas tertutup", "Closed link"],
  "legend.degraded": ["Ruas rusak / melambat", "Damaged / slowed link"],
  "legend.road": ["Jalan", "Road"],
  "legend.river": ["Sungai", "River"],
  "legend.ferry": ["Penyeberangan / laut", "Ferry / sea"],
  "legend.air": ["Udara", "Air"],
  "legend.trips": ["Rute per jenis kendaraan", "Trips by vehicle type"],
  "legend.unserved": ["tidak terlayani", "unserved"],

  // modes and road classes
  "mode.road": ["jalan", "road"],
  "mode.river": ["sungai", "river"],
  "mode.ferry": ["penyeberangan", "ferry"],
  "mode.sea": ["laut", "sea"],
  "mode.air": ["udara", "air"],

  // scenario view
  "scenario.choose": ["Pilih skenario", "Choose a scenario"],
  "scenario.bundled": ["Skenario bawaan", "Bundled scenarios"],
  "scenario.stored": ["Skenario tersimpan", "Stored scenarios"],
  "scenario.load": ["Muat", "Load"],
  "scenario.loaded": ["Skenario dimuat: {name}", "Scenario loaded: {name}"],
  "scenario.none": ["Belum ada skenario. Pilih satu lalu tekan Muat.", "No scenario yet. Choose one and press Load."],
  "scenario.summary": ["Ringkasan", "Summary"],
  "scenario.horizon": ["Horizon", "Horizon"],
  "scenario.days": ["{n} hari", "{n} days"],
  "scenario.areas": ["Wilayah terdampak", "Affected areas"],
  "scenario.people": ["Jiwa terdampak", "People affected"],
  "scenario.need": ["Kebutuhan total", "Total need"],
  "scenario.warehouses": ["Gudang", "Warehouses"],
  "scenario.stock": ["Stok total", "Total stock"],
  "scenario.damaged": ["Ruas rusak / tertutup", "Damaged / closed links"],
  "scenario.area_list": ["Wilayah (klik atau Enter untuk rincian)", "Areas (click or Enter for details)"],
  "scenario.wh_list": ["Gudang dan stok", "Warehouses and stock"],

  // details
  "details.title": ["Rincian", "Details"],
  "details.hint": [
    "Klik wilayah, gudang atau ruas di peta (atau pilih dengan Tab lalu Enter).",
    "Click an area, warehouse or link on the map (or Tab to it and press Enter).",
  ],
  "details.area": ["Wilayah", "Area"],
  "details.code": ["Kode BPS", "BPS code"],
  "details.people": ["Jiwa", "People"],
  "details.displaced": ["Mengungsi", "Displaced"],
  "details.need": ["Kebutuhan", "Need"],
  "details.group": ["Kelompok (PMKS/rentan)", "Group (PMKS/vulnerable)"],
  "details.weight": ["Bobot", "Weight"],
  "details.fill": ["Terpenuhi", "Filled"],
  "details.commodity": ["Komoditas", "Commodity"],
  "details.units": ["Jumlah", "Units"],
  "details.warehouse": ["Gudang", "Warehouse"],
  "details.operator": ["Pengelola", "Operator"],
  "details.stock": ["Stok", "Stock"],
  "details.fleet": ["Armada", "Fleet"],
  "details.throughput": ["Bongkar-muat (t/hari)", "Throughput (t/day)"],
  "details.link": ["Ruas", "Link"],
  "details.mode": ["Moda", "Mode"],
  "details.class": ["Kelas jalan", "Road class"],
  "details.length": ["Panjang", "Length"],
  "details.state": ["Kondisi", "State"],
  "details.from_to": ["Dari – ke", "From – to"],
  "details.probability": ["peluang {p}", "probability {p}"],
  "details.arrival": ["Tiba pertama", "First arrival"],
  "details.unmet": ["Tak terpenuhi", "Unmet"],
  "state.open": ["terbuka", "open"],
  "state.closed": ["TERTUTUP", "CLOSED"],
  "state.degraded": ["melambat (kecepatan × {f})", "slowed (speed × {f})"],
  "state.weight_limit": ["batas berat {t} t", "weight limit {t} t"],
  "state.from_update": ["(laporan insiden)", "(incident report)"],

  // plan view
  "plan.settings": ["Pengaturan perhitungan", "Solver settings"],
  "plan.time_limit": ["Batas waktu rute (detik)", "Routing time limit (s)"],
  "plan.iterations": ["Iterasi (opsional, hasil dapat diulang)", "Iterations (optional, reproducible)"],
  "plan.engine": ["Mesin rute", "Routing engine"],
  "plan.run": ["Buat rencana", "Make a plan"],
  "plan.latest": ["Rencana terakhir skenario ini: {when}", "Latest plan of this scenario: {when}"],
  "plan.open_latest": ["Buka", "Open"],
  "plan.need_scenario": ["Muat skenario dulu (tab Skenario).", "Load a scenario first (Scenario tab)."],
  "plan.none": ["Belum ada rencana. Tekan “Buat rencana”.", "No plan yet. Press “Make a plan”."],
  "plan.status": ["Status: {status} · dihitung {s} detik", "Status: {status} · solved in {s} s"],
  "plan.status.optimal": ["optimal", "optimal"],
  "plan.status.feasible": ["layak", "feasible"],
  "plan.status.partial": ["sebagian (ada muatan tak terangkut)", "partial (some loads not carried)"],
  "plan.kpis": ["Indikator utama", "Key indicators"],
  "kpi.fill_rate": ["Tingkat pemenuhan", "Fill rate"],
  "kpi.fill_rate.sub": ["tertimbang orang-hari", "weighted by person-days"],
  "kpi.without.food": ["Orang-hari tanpa pangan", "Person-days without food"],
  "kpi.without.water": ["Orang-hari tanpa air", "Person-days without water"],
  "kpi.without.shelter": ["Orang-hari tanpa tempat berlindung", "Person-days without shelter"],
  "kpi.without.sub": ["selama masa tanggap", "over the horizon"],
  "kpi.displaced_3d": ["Pengungsi tercukupi 3 hari", "Displaced covered for 3 days"],
  "kpi.displaced_3d.sub": ["pangan, air dan tempat berlindung", "food, water and shelter"],
  "kpi.vulnerable_kk": ["KK rentan menerima pangan", "Vulnerable households given food"],
  "kpi.cost_kk": ["Biaya per KK terlayani", "Cost per household served"],
  "kpi.cost_kk.sub": ["{kk} KK setara", "{kk} household equivalents"],
  "kpi.min_area": ["Wilayah terendah", "Worst area"],
  "kpi.arrival": ["Tiba pertama (rata-rata)", "First arrival (mean)"],
  "kpi.arrival.sub": ["P90 {p90} · maks {max}", "P90 {p90} · max {max}"],
  "kpi.gini": ["Ketimpangan (Gini)", "Inequity (Gini)"],
  "kpi.gini.sub": ["0 = merata", "0 = even"],
  "kpi.cost": ["Biaya", "Cost"],
  "kpi.cost.sub": ["{trips} perjalanan · {vehicles} kendaraan", "{trips} trips · {vehicles} vehicles"],
  "kpi.delivered": ["Terkirim", "Delivered"],
  "kpi.weighted_unmet": ["Rincian: satuan kurang × bobot", "Detail: unmet units × weight"],
  "plan.by_group": ["Pemenuhan per kelompok (PMKS/rentan)", "Fill rate by group (PMKS/vulnerable)"],
  "plan.trips": ["Perjalanan kendaraan", "Vehicle trips"],
  "plan.gantt": ["Jadwal kendaraan (Gantt)", "Vehicle timelines (Gantt)"],
  "plan.gantt_caption": [
    "Satu baris per kendaraan: perjalanan kosong ke gudang muat (pucat), perjalanan bermuatan, istirahat (putih); garis tebal = akhir masa tanggap",
    "One row per vehicle: empty drive to the loading warehouse (pale), loaded trip, rests (white); the thick line ends the horizon",
  ],
  "plan.gantt_trip": ["{vehicle} #{trip}: muat di {wh}, {from}–{to}, {n} tujuan", "{vehicle} #{trip}: loads at {wh}, {from}–{to}, {n} stops"],
  "plan.gantt_none": ["Belum ada perjalanan.", "No trips yet."],
  "plan.day": ["Hari", "Day"],
  "plan.all_days": ["Semua hari", "All days"],
  "plan.day_n": ["Hari {n}", "Day {n}"],
  "plan.trip_line": ["{vehicle} · hari {day} #{trip}", "{vehicle} · day {day} #{trip}"],
  "plan.trip_sub": ["{n} tujuan · {kg} · {from}–{to}", "{n} stops · {kg} · {from}–{to}"],
  "plan.stops": ["Urutan tujuan dan perkiraan tiba", "Stops in order with ETA"],
  "plan.depart": ["Berangkat dari {wh} {at}", "Leaves {wh} at {at}"],
  "plan.return": ["Kembali {at}", "Back at {at}"],
  "plan.unmet": ["Kebutuhan tak terpenuhi per wilayah dan kelompok", "Unmet need by area and group"],
  "plan.unmet.none": ["Semua kebutuhan terpenuhi.", "Every need is met."],
  "plan.unmet.area": ["Wilayah", "Area"],
  "plan.unmet.group": ["Kelompok", "Group"],
  "plan.unmet.kg": ["Kurang (kg)", "Short (kg)"],
  "plan.unmet.reason": ["Alasan", "Reason"],
  "plan.downloads": ["Unduhan", "Downloads"],
  "plan.dl.json": ["plan.json", "plan.json"],
  "plan.dl.geojson": ["Rute (GeoJSON)", "Routes (GeoJSON)"],
  "plan.dl.shipments": ["Pengiriman (CSV, HXL)", "Shipments (CSV, HXL)"],
  "plan.dl.unmet": ["Kekurangan (CSV, HXL)", "Unmet (CSV, HXL)"],
  "plan.dl.xlsx": ["Buku kerja (XLSX)", "Workbook (XLSX)"],
  "plan.dl.dispatch": ["Lembar muat per kendaraan", "Dispatch sheet per vehicle"],
  "plan.dl.dispatch_open": ["Buka lembar", "Open sheet"],
  "plan.dl.dispatch_all": ["Daftar semua lembar", "Index of all sheets"],
  "plan.loaded": ["Rencana dimuat.", "Plan loaded."],

  // jobs
  "job.queued": ["Dalam antrean…", "Queued…"],
  "job.running": ["Menghitung…", "Solving…"],
  "job.succeeded": ["Selesai.", "Done."],
  "job.failed": ["Gagal: {reason}", "Failed: {reason}"],
  "job.cancelled": ["Dibatalkan: {reason}", "Cancelled: {reason}"],
  "job.cancel": ["Batalkan", "Cancel"],
  "job.progress": ["Kemajuan perhitungan", "Solve progress"],
  "stage.starting": ["mulai", "starting"],
  "stage.needs": ["kebutuhan", "needs"],
  "stage.network": ["jaringan", "network"],
  "stage.allocation": ["alokasi (putaran {n})", "allocation (round {n})"],
  "stage.routing": ["rute (putaran {n})", "routing (round {n})"],
  "stage.final routing": ["rute akhir", "final routing"],

  // incident view
  "incident.title": ["Laporan lapangan dan perencanaan ulang", "Field reports and re-planning"],
  "incident.need_plan": ["Buka atau buat rencana dulu (tab Rencana).", "Open or make a plan first (Plan tab)."],
  "incident.help": [
    "Klik ruas jalan atau sungai di peta untuk menutup atau menurunkannya; klik wilayah untuk mengubah jumlah jiwa. Setiap laporan memicu perencanaan ulang.",
    "Click a road or river link on the map to close or degrade it; click an area to change its people counts. Each report starts a re-plan.",
  ],
  "incident.current": ["Insiden: {name} · {n} laporan", "Incident: {name} · {n} reports"],
  "incident.not_open": ["Insiden dibuka otomatis pada laporan pertama.", "The incident opens with the first report."],
  "incident.link": ["Ruas terpilih", "Selected link"],
  "incident.pick_link": ["Belum ada ruas terpilih: klik ruas di peta.", "No link selected: click one on the map."],
  "incident.close_link": ["Tutup ruas", "Close link"],
  "incident.degrade_link": ["Turunkan kecepatan", "Slow down"],
  "incident.reopen_link": ["Buka kembali", "Reopen"],
  "incident.speed_factor": ["Faktor kecepatan (0–1)", "Speed factor (0–1)"],
  "incident.max_weight": ["Batas berat (t, opsional)", "Weight limit (t, optional)"],
  "incident.area": ["Jumlah jiwa wilayah terpilih", "People of the selected area"],
  "incident.pick_area": ["Belum ada wilayah terpilih: klik wilayah di peta.", "No area selected: click one on the map."],
  "incident.save_people": ["Simpan jumlah jiwa", "Save people counts"],
  "incident.stock": ["Stok diterima gudang", "Stock received at a warehouse"],
  "incident.stock_wh": ["Gudang", "Warehouse"],
  "incident.stock_commodity": ["Komoditas", "Commodity"],
  "incident.stock_units": ["Jumlah (satuan)", "Units"],
  "incident.record_stock": ["Catat stok diterima", "Record stock received"],
  "incident.replan": ["Perencanaan ulang", "Re-plan"],
  "incident.sent": ["Laporan #{seq} tercatat; perencanaan ulang berjalan.", "Report #{seq} recorded; re-planning."],
  "incident.log": ["Catatan laporan", "Report log"],
  "incident.log.empty": ["Belum ada laporan.", "No reports yet."],
  "incident.changes": ["Apa yang berubah", "What changed"],
  "incident.kpi": ["Indikator", "Indicator"],
  "incident.old": ["Lama", "Old"],
  "incident.new": ["Baru", "New"],
  "incident.new_unmet": ["Kekurangan baru (wilayah · kelompok)", "New unmet need (area · group)"],
  "incident.new_unmet.none": ["Tidak ada kekurangan baru.", "No new unmet need."],
  "incident.longer": ["Tiba lebih lambat", "Later arrivals"],
  "incident.longer.none": ["Tidak ada kedatangan yang lebih lambat.", "No arrival is later."],
  "incident.unserved": ["tidak dilayani", "not served"],
  "incident.worse": ["lebih buruk", "worse"],
  "incident.compare_hint": [
    "Peta kiri: rencana sebelum laporan; kanan: rencana baru.",
    "Left map: the plan before the report; right: the new plan.",
  ],
  "update.road_closed": ["Ruas ditutup: {edge}", "Link closed: {edge}"],
  "update.road_reopened": ["Ruas dibuka: {edge}", "Link reopened: {edge}"],
  "update.road_degraded": ["Ruas melambat: {edge}", "Link slowed: {edge}"],
  "update.people_changed": ["Jumlah jiwa diubah: {area}", "People changed: {area}"],
  "update.stock_received": ["Stok diterima: {units} {commodity} di {warehouse}", "Stock received: {units} {commodity} at {warehouse}"],
  "update.stock_dispatched": ["Stok keluar: {units} {commodity} dari {warehouse}", "Stock dispatched: {units} {commodity} from {warehouse}"],
  "update.delivery_confirmed": ["Pengiriman dikonfirmasi: {area}", "Delivery confirmed: {area}"],

  // study view
  "study.title": ["Studi stok penyangga", "Stockpile study"],
  "study.open": ["Buka study.json", "Open study.json"],
  "study.open_help": [
    "Hasil `siaga study STUDY.yaml --out DIR` (berkas DIR/study.json).",
    "The result of `siaga study STUDY.yaml --out DIR` (the file DIR/study.json).",
  ],
  "study.from_api": ["Studi di server", "Studies on the server"],
  "study.none": ["Belum ada studi dibuka.", "No study open yet."],
  "study.bad": ["Bukan berkas studi SIAGA (siaga-study/1): {detail}", "Not a SIAGA study file (siaga-study/1): {detail}"],
  "study.set": ["Set skenario: {name} · {n} skenario · dievaluasi {e}", "Scenario set: {name} · {n} scenarios · evaluated on {e}"],
  "study.recommendation": ["Rekomendasi", "Recommendation"],
  "study.options": ["Opsi", "Options"],
  "study.rank": ["Peringkat", "Rank"],
  "study.option": ["Opsi", "Option"],
  "study.kind": ["Jenis", "Kind"],
  "study.kind.given": ["diberikan", "given"],
  "study.kind.optimised": ["dioptimalkan", "optimised"],
  "study.cost": ["Biaya total", "Total cost"],
  "study.expected": ["Kekurangan tertimbang (harapan)", "Weighted unmet (expected)"],
  "study.worst": ["10% terburuk", "Worst 10%"],
  "study.fill": ["Pemenuhan", "Fill rate"],
  "study.arrival": ["Tiba rata-rata", "Mean arrival"],
  "study.box": [
    "Kekurangan tertimbang per skenario, menurut opsi (kotak: kuartil, garis: median, ◆: rata-rata)",
    "Weighted unmet need per scenario, by option (box: quartiles, line: median, ◆: mean)",
  ],
  "study.beyond": ["{n} di luar (maks {max})", "{n} beyond (max {max})"],
  "study.by_group": ["Tingkat pemenuhan per kelompok, menurut opsi", "Fill rate by group, by option"],
  "study.loaded": ["Studi dibuka: {name}", "Study opened: {name}"],
  "study.not_ready": ["Studi belum ada hasilnya. {status}", "The study has no result yet. {status}"],

  // unmet reasons (as api/i18n.py)
  "reason.no_stock": ["stok habis", "no stock"],
  "reason.unreachable": ["tidak terjangkau", "unreachable"],
  "reason.horizon": ["di luar horizon", "beyond the horizon"],
  "reason.transport_capacity": ["kapasitas angkut kurang", "transport capacity"],
  "reason.throughput": ["kapasitas bongkar-muat gudang", "warehouse throughput"],
  "reason.time_window": ["di luar jam akses", "outside the access window"],
  "reason.over_capacity": ["terlalu besar untuk kendaraan", "too big for any vehicle"],
  "reason.whole_units": ["pembulatan satuan utuh", "rounding to whole units"],
  "reason.not_shipped": ["tidak dikirim", "not shipped"],
};

const LANGS = ["id", "en"];
const STORE = "siaga.lang";
let lang = LANGS.includes(localStorage.getItem(STORE)) ? localStorage.getItem(STORE) : "id";
const listeners = [];

export function getLang() {
  return lang;
}

export function locale() {
  return lang === "id" ? "id-ID" : "en-GB";
}

export function setLang(next) {
  if (!LANGS.includes(next) || next === lang) return;
  lang = next;
  localStorage.setItem(STORE, lang);
  document.documentElement.lang = lang;
  applyI18n();
  for (const fn of listeners) fn(lang);
}

export function onLangChange(fn) {
  listeners.push(fn);
}

export function has(key) {
  return key in T;
}

/** The text of `key` in the current language, with {name} placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const pair = T[key];
  const text = pair ? pair[lang === "id" ? 0 : 1] : key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** A record's name in the current language (`name_en` when English and present). */
export function nameOf(item) {
  if (!item) return "";
  return (lang === "en" && item.name_en) || item.name || item.id || "";
}

export function reasonLabel(reason) {
  return has(`reason.${reason}`) ? t(`reason.${reason}`) : reason;
}

export function stageLabel(stage) {
  if (!stage) return "";
  const m = /^(allocation|routing) \(round (\d+)\)$/.exec(stage);
  if (m) return t(`stage.${m[1]}`, { n: m[2] });
  return has(`stage.${stage}`) ? t(`stage.${stage}`) : stage;
}

export function applyI18n(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of el.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
  document.title = t("app.title");
  document.documentElement.lang = lang;
}
