// UTC time helpers: parsing, formatting, calendar ticks. Every time on the page is UTC.

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const pad = (n, width = 2) => String(n).padStart(width, "0");

/** "2026-02-16T12:00:00Z" (whole seconds). */
export function isoUtc(ms) {
  return new Date(Math.round(ms / SECOND_MS) * SECOND_MS).toISOString().replace(".000Z", "Z");
}

/** "2026-02-16" of the UTC day holding `ms`. */
export function isoDate(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Milliseconds of an ISO 8601 time; a time without a zone is UTC. NaN when invalid. */
export function parseIso(text) {
  if (typeof text !== "string" || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?/.test(text)) {
    return Number.NaN;
  }
  const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(text) || text.length === 10 ? text : `${text}Z`;
  return Date.parse(zoned);
}

/** "2026-02-16 12:00" (or with seconds when `seconds`), UTC. */
export function formatUtc(ms, seconds = false) {
  const d = new Date(ms);
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return `${day} ${time}${seconds ? `:${pad(d.getUTCSeconds())}` : ""}`;
}

/** A readable duration: "42 s", "12 min", "3 h 05 min", "2 d 4 h". */
export function formatDuration(seconds) {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${pad(Math.round((s % 3600) / 60))} min`;
  return `${Math.floor(s / 86400)} d ${Math.round((s % 86400) / 3600)} h`;
}

/** Start (ms) of the UTC day holding `ms`. */
export function dayStart(ms) {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** Every UTC day ("YYYY-MM-DD") from the day of `firstMs` to the day of `lastMs`, both included. */
export function daysBetween(firstMs, lastMs) {
  const days = [];
  for (let t = dayStart(firstMs); t <= lastMs; t += DAY_MS) days.push(isoDate(t));
  return days;
}

const FIXED_STEPS_MS = [
  MINUTE_MS, 2 * MINUTE_MS, 5 * MINUTE_MS, 10 * MINUTE_MS, 15 * MINUTE_MS, 30 * MINUTE_MS,
  HOUR_MS, 2 * HOUR_MS, 3 * HOUR_MS, 6 * HOUR_MS, 12 * HOUR_MS, DAY_MS, 2 * DAY_MS, 7 * DAY_MS,
];
const MONTH_STEPS = [1, 3, 6, 12];
const MONDAY_MS = 4 * DAY_MS; // 1970-01-05, the first Monday after the epoch

/**
 * Calendar-aligned UTC ticks over [startMs, endMs], at most `maxTicks` of them.
 * Each tick is {t, label, major}; `major` marks midnights (and new years for month steps).
 */
export function timeTicks(startMs, endMs, maxTicks) {
  const span = endMs - startMs;
  const step = FIXED_STEPS_MS.find((s) => span / s <= maxTicks);
  if (step !== undefined) {
    const origin = step === 7 * DAY_MS ? MONDAY_MS : 0;
    const ticks = [];
    for (let t = Math.ceil((startMs - origin) / step) * step + origin; t <= endMs; t += step) {
      const d = new Date(t);
      const midnight = t % DAY_MS === 0;
      const label = step >= DAY_MS || midnight
        ? `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
        : `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
      ticks.push({ t, label, major: midnight && step < DAY_MS });
    }
    return ticks;
  }
  const months = MONTH_STEPS.find((m) => span / (m * 30.44 * DAY_MS) <= maxTicks) ?? 12;
  const first = new Date(startMs);
  const year = first.getUTCFullYear();
  const ticks = [];
  for (let month = first.getUTCMonth() - (first.getUTCMonth() % months); ; month += months) {
    const t = Date.UTC(year, month, 1);
    if (t > endMs) break;
    if (t < startMs) continue;
    const d = new Date(t);
    ticks.push({
      t,
      label: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`,
      major: d.getUTCMonth() === 0,
    });
  }
  return ticks;
}
