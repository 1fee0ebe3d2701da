// Calls to this server's API with the key the coordinator entered (kept for this browser tab only).

const KEY = "siaga.key";

export function getKey() {
  return sessionStorage.getItem(KEY) || "";
}

export function setKey(key) {
  sessionStorage.setItem(KEY, key.trim());
}

export function forgetKey() {
  sessionStorage.removeItem(KEY);
}

/** An error answer: `status` and the problem document (`detail`, `errors[]`). */
export class ApiError extends Error {
  constructor(status, problem) {
    const first = problem?.errors?.[0];
    const detail = [problem?.detail, first ? `${first.pointer}: ${first.detail}` : ""].filter(Boolean).join(" ");
    super(detail || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

function headers(extra = {}) {
  return { Authorization: `Bearer ${getKey()}`, Accept: "application/json", ...extra };
}

/** Fetch `path` (same origin) with the key; JSON back, or the Response with {raw: true}. */
export async function api(path, { method = "GET", body, signal, raw = false } = {}) {
  const init = { method, headers: headers(), signal, cache: "no-store" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (!res.ok) {
    let problem;
    try {
      problem = await res.json();
    } catch {
      problem = { detail: res.statusText };
    }
    throw new ApiError(res.status, problem);
  }
  if (raw) return res;
  return res.status === 204 ? null : res.json();
}

const TERMINAL = ["succeeded", "failed", "cancelled"];

async function* events(res) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value.replace(/\r\n/g, "\n");
    let cut;
    while ((cut = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      let name = "message";
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data += line.slice(5).trim();
      }
      if (data) yield { name, data: JSON.parse(data) };
    }
  }
}

/** Follow a job to its end through its server-sent events (polling if the stream breaks);
 * `onUpdate(job)` on every change. Resolves with the final job. */
export async function followJob(job, onUpdate, { signal } = {}) {
  onUpdate(job);
  if (TERMINAL.includes(job.status)) return job;
  try {
    const res = await api(job.links.events, { raw: true, signal });
    for await (const ev of events(res)) {
      job = ev.data;
      onUpdate(job);
      if (ev.name === "done" || TERMINAL.includes(job.status)) return job;
    }
  } catch (err) {
    if (signal?.aborted) throw err;
  }
  for (;;) {
    job = await api(job.links.self, { signal });
    onUpdate(job);
    if (TERMINAL.includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Download an API file (the key goes in a header, so no plain link): saved as `filename`. */
export async function download(path, filename) {
  const res = await api(path, { raw: true });
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** Open an HTML answer (a dispatch sheet) in a new tab, for printing. */
export async function openHtml(path) {
  const win = window.open("", "_blank");
  const res = await api(path, { raw: true });
  const url = URL.createObjectURL(new Blob([await res.text()], { type: "text/html" }));
  if (win) win.location.href = url;
  else window.location.href = url;
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
