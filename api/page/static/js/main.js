// The page: filters and view state (kept in the URL), loading, and the four views.

import { API, ApiError, allPages, discover, getJson, readToken, setReadToken } from "./api.js";
import {
  ROWS_PER_PAGE, dailyRows, dutyByDay, filterParams, loadDetail, loadLanes, loadSummary,
} from "./data.js";
import { html } from "./dom.js";
import { renderDuty } from "./duty.js";
import { hasSelection, loadOutages, outageParams, renderOutageNote, renderOutages } from "./outages.js";
import { legend } from "./palette.js";
import { DAY_MS, HOUR_MS, daysBetween, formatUtc, parseIso } from "./time.js";
import { Timeline, drawingNote } from "./timeline.js";
import {
  DEFAULT_SPAN_MS, isLive, live, modeOf, panned, readState, viewRange, withRange, writeState, zoomed,
} from "./view.js";
import { loadEvidence, loadWindows, renderWindows, windowParams } from "./windows.js";

const DUTY_MIN_DAYS = 14;
const LIVE_REFRESH_MS = 15_000;
const WHEEL_SETTLE_MS = 250;
const ZOOM_STEP = 2;
const PAN_STEP = 0.25;

const $ = (id) => document.getElementById(id);

let state = readState(window.location.search);
let server = { bands: [], outages: null, evidence: null };
let controller = null;
let windowsOffset = 0;
let loads = 0;
let pending = null;

const timeline = new Timeline($("timeline"), {
  onRange: (range) => change(withRange(state, range)),
  onZoom: (factor, anchor) => change(withRange(state, zoomed(currentRange(), factor, anchor)), { settle: true }),
});

function currentRange() {
  return viewRange(state, Date.now());
}

function status(text, isError = false) {
  const line = $("status");
  line.textContent = text;
  line.classList.toggle("error", isError);
}

function failed(error) {
  if (error.name === "AbortError") return;
  if (error instanceof ApiError && error.status === 401) {
    $("token-form").hidden = false;
    status(readToken() ? "The read token was refused: enter the right one." : "This server needs a read token.", true);
    return;
  }
  status(error.message, true);
}

/** Show `next`, remember it in the URL (a history entry unless `replace`) and reload. */
function change(next, { replace = false, settle = false } = {}) {
  state = next;
  windowsOffset = 0;
  const url = `${window.location.pathname}${writeState(state)}`;
  if (replace || settle) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
  syncControls();
  window.clearTimeout(pending);
  pending = window.setTimeout(load, settle ? WHEEL_SETTLE_MS : 0);
}

function syncControls() {
  const range = currentRange();
  $("f-band").value = state.band ?? "";
  $("f-frequency").value = state.frequencyHz === null ? "" : String(state.frequencyHz / 1000);
  $("f-receiver").value = state.receiver ?? "";
  $("f-start").value = formatUtc(range.start);
  $("f-end").value = formatUtc(range.end);
  $("o-station").value = state.station ?? "";
  $("o-language").value = state.language ?? "";
  $("o-target").value = state.target ?? "";
  $("live").setAttribute("aria-pressed", String(isLive(state)));
  $("range-caption").textContent = `${formatUtc(range.start)} – ${formatUtc(range.end)} UTC`
    + (isLive(state) ? " · live, refreshed every 15 s" : "");
}

function addOptions(select, items) {
  select.append(...items.map(([value, label]) => html("option", { value }, [label])));
}

/** Run `work` for one section; its failure is reported without stopping the others. */
async function section(work) {
  try {
    await work();
  } catch (error) {
    failed(error);
  }
}

function dutyDays(range) {
  const last = range.end - 1;
  return daysBetween(Math.min(range.start, last - (DUTY_MIN_DAYS - 1) * DAY_MS), last);
}

async function load() {
  controller?.abort();
  controller = new AbortController();
  const { signal } = controller;
  const range = currentRange();
  const mode = modeOf(range);
  const days = dutyDays(range);
  document.body.dataset.busy = "true";
  status("Loading…");
  syncControls();
  $("legend").replaceChildren(legend(mode));
  const lanesLoaded = loadLanes(state, signal);
  const summaryLoaded = loadSummary(state, parseIso(days[0]), parseIso(days[days.length - 1]), signal);
  let shown = 0;
  let total = 0;
  await Promise.all([
    section(async () => {
      const { lanes } = await lanesLoaded;
      total = lanes.length;
      const page = lanes.slice(state.rowOffset, state.rowOffset + ROWS_PER_PAGE);
      shown = page.length;
      let rows;
      let truncated = false;
      if (mode === "detail") {
        ({ rows, truncated } = await loadDetail(page, state, range, signal));
      } else {
        rows = dailyRows(page, (await summaryLoaded).data, range);
      }
      if (signal.aborted) return;
      timeline.draw({ range, mode, rows, message: "No channel has data for these filters." });
      $("timeline-note").replaceChildren(drawingNote(mode, truncated));
      renderRowPager(total);
    }),
    section(async () => {
      const summary = await summaryLoaded;
      if (signal.aborted) return;
      const pairs = new Set(summary.data.map((d) => `${d.frequency_hz}|${d.receiver}`)).size;
      renderDuty($("duty"), dutyByDay(summary.data, days), pairs);
    }),
    section(async () => {
      const body = await loadWindows(state, range, windowsOffset, signal);
      const bundles = server.evidence ? await loadEvidence(state, body, signal) : [];
      if (signal.aborted) return;
      renderWindows($("windows"), body, bundles, windowsOffset, windowParams(state, range), {
        onShow: (w) => change(withRange(state, { start: w.start - (w.end - w.start) / 2, end: w.end + (w.end - w.start) / 2 })),
        onPage: (offset) => {
          windowsOffset = offset;
          load();
        },
      });
    }),
    section(async () => {
      if (!server.outages) {
        renderOutageNote($("outages"), "This server has no outage report endpoint (/api/v1/outages).");
      } else if (!hasSelection(state)) {
        renderOutageNote($("outages"), "Name a station, language or target to see its broadcasts' outages over the days of the view.");
      } else {
        const body = await loadOutages(state, range, signal);
        if (!signal.aborted) renderOutages($("outages"), body, outageParams(state, range));
      }
    }),
  ]);
  if (signal.aborted) return;
  if (!$("status").classList.contains("error")) {
    status(`${shown} of ${total} lanes (channel × receiver) · ${mode === "detail" ? "segments" : "daily cells"}`);
  }
  loads += 1;
  document.body.dataset.loads = String(loads);
  document.body.dataset.busy = "false";
}

function renderRowPager(total) {
  const pager = $("row-pager");
  pager.replaceChildren();
  if (total <= ROWS_PER_PAGE) return;
  const from = state.rowOffset;
  pager.append(`Lanes ${from + 1}–${Math.min(total, from + ROWS_PER_PAGE)} of ${total} `);
  const button = (label, offset) => {
    const b = html("button", { type: "button" }, [label]);
    b.addEventListener("click", () => change({ ...state, rowOffset: offset }));
    pager.append(b);
  };
  if (from > 0) button("Previous lanes", Math.max(0, from - ROWS_PER_PAGE));
  if (from + ROWS_PER_PAGE < total) button("Next lanes", from + ROWS_PER_PAGE);
}

function zoomBy(factor) {
  change(withRange(state, zoomed(currentRange(), factor)));
}

function panBy(fraction) {
  change(withRange(state, panned(currentRange(), fraction)));
}

function applyFilters() {
  const khz = Number.parseFloat($("f-frequency").value);
  const frequencyHz = Number.isFinite(khz) ? Math.round(khz * 1000) : null;
  const band = frequencyHz === null ? $("f-band").value || null : null;
  let next = { ...state, band, frequencyHz, receiver: $("f-receiver").value || null, rowOffset: 0 };
  const range = currentRange();
  const typed = [$("f-start").value.trim(), $("f-end").value.trim()];
  if (typed[0] !== formatUtc(range.start) || typed[1] !== formatUtc(range.end)) {
    const [start, end] = typed.map((text) => parseIso(text.replace(" ", "T")));
    if (!(start < end)) {
      status("From and To must be UTC times like 2026-02-16 12:00, From before To.", true);
      return;
    }
    next = withRange(next, { start, end });
  }
  change(next);
}

function bindControls() {
  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    applyFilters();
  });
  $("f-band").addEventListener("change", () => {
    $("f-frequency").value = "";
    applyFilters();
  });
  $("f-frequency").addEventListener("change", () => {
    if ($("f-frequency").value) $("f-band").value = "";
    applyFilters();
  });
  for (const id of ["f-receiver", "f-start", "f-end"]) $(id).addEventListener("change", applyFilters);
  $("outage-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = (id) => $(id).value.trim() || null;
    change({ ...state, station: text("o-station"), language: text("o-language"), target: text("o-target") });
  });
  $("zoom-in").addEventListener("click", () => zoomBy(ZOOM_STEP));
  $("zoom-out").addEventListener("click", () => zoomBy(1 / ZOOM_STEP));
  $("pan-left").addEventListener("click", () => panBy(-PAN_STEP));
  $("pan-right").addEventListener("click", () => panBy(PAN_STEP));
  $("live").addEventListener("click", () => change(live(state, currentRange().end - currentRange().start)));
  for (const button of document.querySelectorAll("[data-span-h]")) {
    button.addEventListener("click", () => {
      const spanMs = Number(button.dataset.spanH) * HOUR_MS;
      const { end } = currentRange();
      change(isLive(state) ? live(state, spanMs) : withRange(state, { start: end - spanMs, end }));
    });
  }
  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, select, textarea") || event.ctrlKey || event.metaKey || event.altKey) return;
    const actions = {
      "+": () => zoomBy(ZOOM_STEP),
      "=": () => zoomBy(ZOOM_STEP),
      "-": () => zoomBy(1 / ZOOM_STEP),
      ArrowLeft: () => panBy(-PAN_STEP),
      ArrowRight: () => panBy(PAN_STEP),
    };
    const action = actions[event.key];
    if (!action || (event.key.startsWith("Arrow") && !event.target.closest("#timeline"))) return;
    event.preventDefault();
    action();
  });
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    setReadToken($("token").value.trim());
    $("token-form").hidden = true;
    start();
  });
  window.addEventListener("popstate", () => {
    state = readState(window.location.search);
    windowsOffset = 0;
    load();
  });
  window.setInterval(() => {
    if (isLive(state) && document.body.dataset.busy !== "true") load();
  }, LIVE_REFRESH_MS);
}

/** The end of the latest observation of any channel matching the filters, or null. */
async function latestObservation() {
  const { data } = await allPages(`${API}/channels`, filterParams(state));
  const times = data.map((c) => parseIso(c.last_observed_at)).filter(Number.isFinite);
  return times.length ? Math.max(...times) : null;
}

async function start() {
  try {
    server = await discover();
    const { data: receivers } = await getJson(`${API}/receivers`);
    $("f-band").replaceChildren(html("option", { value: "" }, ["All bands"]));
    addOptions($("f-band"), server.bands.map((b) => [b, b]));
    $("f-receiver").replaceChildren(html("option", { value: "" }, ["All receivers"]));
    addOptions($("f-receiver"), receivers.map((r) => [r.name, r.location ? `${r.name} (${r.location})` : r.name]));
    const latest = isLive(state) ? await latestObservation() : null;
    if (latest !== null && latest < Date.now() - state.spanMs) {
      // Archived data only: open on its last hours instead of an empty live view.
      const end = Math.ceil(latest / HOUR_MS) * HOUR_MS;
      state = withRange(state, { start: end - DEFAULT_SPAN_MS, end });
      window.history.replaceState(null, "", `${window.location.pathname}${writeState(state)}`);
    }
  } catch (error) {
    failed(error);
    return;
  }
  syncControls();
  await load();
}

bindControls();
start();
