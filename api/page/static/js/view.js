// What the page shows, as a plain object that round-trips through the URL (shareable links).

import { HOUR_MS, MINUTE_MS, DAY_MS, SECOND_MS, isoUtc, parseIso } from "./time.js";

export const MIN_SPAN_MS = 2 * MINUTE_MS;
export const MAX_SPAN_MS = 366 * DAY_MS; // the API's longest time range
export const DEFAULT_SPAN_MS = 6 * HOUR_MS;
export const DETAIL_MAX_SPAN_MS = 2 * DAY_MS; // longer views draw daily summaries

/**
 * The state in `search` (a URL query string). Without `start`/`end` the view is live: the last
 * `span` seconds, following the clock.
 */
export function readState(search) {
  const query = new URLSearchParams(search);
  const integer = (name) => {
    const value = Number.parseInt(query.get(name) ?? "", 10);
    return Number.isFinite(value) ? value : null;
  };
  let start = parseIso(query.get("start") ?? "");
  let end = parseIso(query.get("end") ?? "");
  if (!(Number.isFinite(start) && Number.isFinite(end) && start < end)) {
    start = null;
    end = null;
  }
  const spanS = integer("span");
  const frequencyHz = integer("frequency_hz");
  return {
    band: frequencyHz === null ? query.get("band") || null : null, // they exclude each other
    frequencyHz,
    receiver: query.get("receiver") || null,
    station: query.get("station") || null,
    language: query.get("language") || null,
    target: query.get("target") || null,
    start,
    end,
    spanMs: clampSpan(spanS !== null ? spanS * SECOND_MS : DEFAULT_SPAN_MS),
    rowOffset: Math.max(0, integer("rows") ?? 0),
  };
}

/** The query string of `state` ("" for the default view). */
export function writeState(state) {
  const query = new URLSearchParams();
  if (state.band) query.set("band", state.band);
  if (state.frequencyHz !== null) query.set("frequency_hz", String(state.frequencyHz));
  if (state.receiver) query.set("receiver", state.receiver);
  if (state.start !== null) {
    query.set("start", isoUtc(state.start));
    query.set("end", isoUtc(state.end));
  } else if (state.spanMs !== DEFAULT_SPAN_MS) {
    query.set("span", String(Math.round(state.spanMs / SECOND_MS)));
  }
  if (state.rowOffset > 0) query.set("rows", String(state.rowOffset));
  for (const name of ["station", "language", "target"]) if (state[name]) query.set(name, state[name]);
  const text = query.toString().replaceAll("%3A", ":"); // colons are fine in a query: keep times readable
  return text ? `?${text}` : "";
}

/** A span within [MIN_SPAN_MS, MAX_SPAN_MS]. */
export function clampSpan(spanMs) {
  return Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, spanMs));
}

/** The time range {start, end} (ms) the state shows at `nowMs`. */
export function viewRange(state, nowMs) {
  if (state.start !== null) return { start: state.start, end: state.end };
  return { start: nowMs - state.spanMs, end: nowMs };
}

/** True when the view follows the clock. */
export function isLive(state) {
  return state.start === null;
}

/** `range` zoomed by `factor` (> 1 zooms in) keeping the time at `anchor` (0..1) in place. */
export function zoomed(range, factor, anchor = 0.5) {
  const span = range.end - range.start;
  const newSpan = clampSpan(span / factor);
  const pivot = range.start + anchor * span;
  const start = Math.round((pivot - anchor * newSpan) / SECOND_MS) * SECOND_MS;
  return { start, end: start + Math.round(newSpan / SECOND_MS) * SECOND_MS };
}

/** `range` moved by `fraction` of its span (negative: earlier). */
export function panned(range, fraction) {
  const shift = Math.round(((range.end - range.start) * fraction) / SECOND_MS) * SECOND_MS;
  return { start: range.start + shift, end: range.end + shift };
}

/** `state` showing the fixed `range` (leaves live mode), clamped to the allowed spans. */
export function withRange(state, range) {
  const span = clampSpan(range.end - range.start);
  const middle = (range.start + range.end) / 2;
  const start = Math.round((middle - span / 2) / SECOND_MS) * SECOND_MS;
  return { ...state, start, end: start + span, spanMs: span };
}

/** `state` following the clock over its current span. */
export function live(state, spanMs) {
  return { ...state, start: null, end: null, spanMs: clampSpan(spanMs) };
}

/** The drawing mode of a range: "detail" (segments) or "daily" (daily summaries). */
export function modeOf(range) {
  return range.end - range.start <= DETAIL_MAX_SPAN_MS ? "detail" : "daily";
}
