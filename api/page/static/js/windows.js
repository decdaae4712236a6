// The jamming windows of the view as a table, with exports and links to evidence.

import { API, apiUrl, getJson } from "./api.js";
import { filterParams } from "./data.js";
import { html, svg } from "./dom.js";
import { JAMMER_COLORS } from "./palette.js";
import { formatDuration, formatUtc, isoUtc, parseIso } from "./time.js";

export const WINDOWS_PER_PAGE = 50;

/** The query of the windows overlapping `range` that match the filters. */
export function windowParams(state, range) {
  return { ...filterParams(state), start: isoUtc(range.start), end: isoUtc(range.end) };
}

/** One page of windows from `offset`. */
export function loadWindows(state, range, offset, signal) {
  return getJson(`${API}/windows`, { ...windowParams(state, range), limit: WINDOWS_PER_PAGE, offset }, signal);
}

/**
 * The evidence bundles of the windows in `body`: one request over the span of the page's
 * windows. Resolves to [] when there are no windows.
 */
export async function loadEvidence(state, body, signal) {
  if (body.data.length === 0) return [];
  const start = Math.min(...body.data.map((w) => parseIso(w.start)));
  const end = Math.max(...body.data.map((w) => parseIso(w.end)));
  const answer = await getJson(`${API}/evidence`, {
    ...filterParams(state), start: isoUtc(start), end: isoUtc(end), limit: 1000,
  }, signal);
  return answer.data;
}

/** The bundle documenting `window`: same receiver and channel, onset inside the window. */
function evidenceOf(window, bundles) {
  const start = parseIso(window.start);
  const end = parseIso(window.end);
  return bundles.find((b) => b.receiver === window.receiver && b.frequency_hz === window.frequency_hz
    && parseIso(b.start) >= start && parseIso(b.start) < end) ?? null;
}

function evidenceCell(bundle) {
  if (!bundle) return html("td", {}, ["–"]);
  return html("td", {}, [
    html("a", { class: "evidence", href: bundle.files["waterfall.png"] ?? bundle.url }, ["waterfall"]),
    " · ",
    html("a", { href: bundle.url }, ["bundle"]),
  ]);
}

function jammerCell(jammer) {
  return html("td", { class: "jammer" }, [
    svg("svg", { width: 10, height: 10, "aria-hidden": "true" }, [
      svg("rect", { width: 10, height: 10, fill: JAMMER_COLORS[jammer] ?? JAMMER_COLORS.other }),
    ]),
    ` ${jammer}`,
  ]);
}

/**
 * Draw one page of windows (`body` from loadWindows, `bundles` from loadEvidence) into
 * `container`; the evidence column appears when a window has a bundle.
 * `actions.onShow({start, end})` zooms the timeline to a window; `actions.onPage(offset)`.
 */
export function renderWindows(container, body, bundles, offset, exportParams, actions) {
  const withEvidence = body.data.some((w) => evidenceOf(w, bundles) !== null);
  const head = ["Start (UTC)", "End (UTC)", "Duration", "Frequency", "Receiver", "Jammer", "Confidence", "SNR", ""];
  if (withEvidence) head.push("Evidence");
  const rows = body.data.map((w) => {
    const start = parseIso(w.start);
    const end = parseIso(w.end);
    const show = html("button", {
      type: "button", class: "show", "aria-label": `Show the window of ${w.frequency_hz / 1000} kHz at ${formatUtc(start)} on the timeline`,
    }, ["Show"]);
    show.addEventListener("click", () => actions.onShow({ start, end }));

    return html("tr", { class: "window", "data-frequency-hz": w.frequency_hz, "data-receiver": w.receiver }, [
      html("td", {}, [formatUtc(start, true)]),
      html("td", {}, [formatUtc(end, true)]),
      html("td", { class: "num" }, [formatDuration(w.duration_s)]),
      html("td", { class: "num" }, [`${w.frequency_hz / 1000} kHz`]),
      html("td", {}, [w.receiver]),
      jammerCell(w.jammer),
      html("td", { class: "num" }, [w.confidence.toFixed(2)]),
      html("td", { class: "num" }, [w.snr_db === null ? "–" : `${w.snr_db.toFixed(1)} dB`]),
      html("td", {}, [show]),
      withEvidence ? evidenceCell(evidenceOf(w, bundles)) : null,
    ]);
  });
  const table = html("table", { id: "windows-table" }, [
    html("caption", {}, [
      body.data.length
        ? `Windows ${offset + 1}–${offset + body.data.length}${body.next_offset === null ? ` of ${offset + body.data.length}` : ""}`
        : "No jamming windows in this view.",
    ]),
    html("thead", {}, [html("tr", {}, head.map((h) => html("th", { scope: "col" }, [h])))]),
    html("tbody", {}, rows),
  ]);
  const pager = html("div", { class: "pager" }, []);
  if (offset > 0) {
    const previous = html("button", { type: "button", id: "windows-previous" }, ["Previous"]);
    previous.addEventListener("click", () => actions.onPage(Math.max(0, offset - WINDOWS_PER_PAGE)));
    pager.append(previous);
  }
  if (body.next_offset !== null) {
    const next = html("button", { type: "button", id: "windows-next" }, ["Next"]);
    next.addEventListener("click", () => actions.onPage(body.next_offset));
    pager.append(next);
  }
  pager.append(
    html("a", { href: apiUrl(`${API}/windows.csv`, exportParams).href, download: "" }, ["CSV"]),
    html("a", { href: apiUrl(`${API}/windows.ics`, exportParams).href, download: "" }, ["iCalendar"]),
  );
  container.replaceChildren(table, pager);
}
