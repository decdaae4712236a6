// Loading what the view needs from the API and shaping it into rows of intervals.

import { API, allPages, getJson, inParallel } from "./api.js";
import { DAY_MS, daysBetween, isoDate, isoUtc, parseIso } from "./time.js";

export const ROWS_PER_PAGE = 40;
const TIMELINE_MAX_PAGES = 5; // per frequency; beyond that the rest of the row is "not loaded"
const SUMMARY_CHUNK_DAYS = 92; // the API's longest daily-summary range

/** The API filters of `state`. */
export function filterParams(state) {
  return { band: state.band, frequency_hz: state.frequencyHz, receiver: state.receiver };
}

/** Every (frequency, receiver) pair with data that matches the filters, by frequency. */
export async function loadLanes(state, signal) {
  const { data, complete } = await allPages(`${API}/channels`, filterParams(state), signal);
  const lanes = data.map((c) => ({ frequencyHz: c.frequency_hz, receiver: c.receiver }));
  lanes.sort((a, b) => a.frequencyHz - b.frequencyHz || a.receiver.localeCompare(b.receiver));
  return { lanes, complete };
}

function interval(raw) {
  return {
    start: parseIso(raw.start),
    end: parseIso(raw.end),
    state: raw.state,
    jammer: raw.jammer ?? null,
    confidence: raw.confidence ?? null,
    snrDb: raw.snr_db ?? null,
  };
}

async function timelinePages(frequencyHz, receiver, range, signal) {
  const pages = [];
  let cursor = range.start;
  while (pages.length < TIMELINE_MAX_PAGES) {
    const body = await getJson(`${API}/timeline`, {
      frequency_hz: frequencyHz, receiver, start: isoUtc(cursor), end: isoUtc(range.end),
    }, signal);
    pages.push(body);
    if (body.next_start === null) break;
    cursor = parseIso(body.next_start);
  }
  return pages;
}

/**
 * The intervals of each lane over `range`: one timeline request per frequency (paged by time).
 * Each lane's intervals tile the range; time the page cap left unread is state "unloaded".
 */
export async function loadDetail(lanes, state, range, signal) {
  const frequencies = [...new Set(lanes.map((lane) => lane.frequencyHz))];
  const pagesOf = new Map(await inParallel(frequencies.map((f) => async () => [
    f, await timelinePages(f, state.receiver, range, signal),
  ])));
  let truncated = false;
  const rows = lanes.map((lane) => {
    const intervals = [];
    let loadedUntil = range.start;
    for (const page of pagesOf.get(lane.frequencyHz)) {
      const found = page.lanes.find((l) => l.receiver === lane.receiver);
      const pageStart = parseIso(page.start);
      loadedUntil = parseIso(page.until);
      if (found) intervals.push(...found.intervals.map(interval));
      else intervals.push({ start: pageStart, end: loadedUntil, state: "unobserved", jammer: null });
    }
    if (loadedUntil < range.end) {
      truncated = true;
      intervals.push({ start: loadedUntil, end: range.end, state: "unloaded", jammer: null });
    }
    return { ...lane, intervals };
  });
  return { rows, truncated };
}

/**
 * Daily summaries of every channel and receiver matching the filters, from `firstMs`'s day to
 * `lastMs`'s day (requests of at most 92 days, paged). Returns {data, complete}.
 */
export async function loadSummary(state, firstMs, lastMs, signal) {
  const chunks = [];
  for (let t = firstMs; t <= lastMs; t += SUMMARY_CHUNK_DAYS * DAY_MS) {
    const chunkLast = Math.min(lastMs, t + (SUMMARY_CHUNK_DAYS - 1) * DAY_MS);
    chunks.push(() => allPages(`${API}/summary/daily`, {
      ...filterParams(state), start_date: isoDate(t), end_date: isoDate(chunkLast),
    }, signal));
  }
  const parts = await inParallel(chunks, 2);
  return {
    data: parts.flatMap((part) => part.data),
    complete: parts.every((part) => part.complete),
  };
}

const key = (frequencyHz, receiver, date) => `${frequencyHz}|${receiver}|${date}`;

/** The state of one day of one lane, from its summary (absent: nothing observed). */
function dayState(day) {
  if (!day || day.observed_h <= 0) return "unobserved";
  return day.duty_cycle === null ? "unknown" : "day";
}

/** Rows of one cell per UTC day (clipped to `range`), coloured by the day's duty cycle. */
export function dailyRows(lanes, summary, range) {
  const byKey = new Map(summary.map((d) => [key(d.frequency_hz, d.receiver, d.date), d]));
  const days = daysBetween(range.start, range.end - 1);
  return lanes.map((lane) => ({
    ...lane,
    intervals: days.map((date) => {
      const dayMs = parseIso(date);
      const day = byKey.get(key(lane.frequencyHz, lane.receiver, date));
      return {
        start: Math.max(dayMs, range.start),
        end: Math.min(dayMs + DAY_MS, range.end),
        state: dayState(day),
        jammer: null,
        date,
        day: day ?? null,
      };
    }),
  }));
}

/**
 * The selection's duty cycle per day: hours summed over every channel and receiver, and
 * jammed / judged hours, null when nothing was judged that day (never 0 for "no data").
 */
export function dutyByDay(summary, days) {
  const totals = new Map(days.map((date) => [date, { observedH: 0, judgedH: 0, jammedH: 0, unknownH: 0 }]));
  for (const d of summary) {
    const total = totals.get(d.date);
    if (!total) continue;
    total.observedH += d.observed_h;
    total.judgedH += d.judged_h;
    total.jammedH += d.jammed_h;
    total.unknownH += d.unknown_h;
  }
  return days.map((date) => {
    const t = totals.get(date);
    return { date, ...t, duty: t.judgedH > 0 ? t.jammedH / t.judgedH : null };
  });
}
