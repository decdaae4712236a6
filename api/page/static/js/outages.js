// The outage table: per broadcast, its scheduled air time and how much of it was jammed.

import { API, apiUrl, getJson } from "./api.js";
import { html } from "./dom.js";
import { DAY_MS, isoDate } from "./time.js";

const MAX_DAYS = 92; // the API's longest report range

/** The outage query of `state` over the days of `range` (the last 92 when longer). */
export function outageParams(state, range) {
  const last = range.end - 1;
  const first = Math.max(range.start, last - (MAX_DAYS - 1) * DAY_MS);
  return {
    station: state.station,
    language: state.language,
    target: state.target,
    receiver: state.receiver,
    start_date: isoDate(first),
    end_date: isoDate(last),
  };
}

/** True when the state names broadcasts to report on. */
export function hasSelection(state) {
  return Boolean(state.station || state.language || state.target);
}

/** The outage report of the state's broadcasts. */
export function loadOutages(state, range, signal) {
  return getJson(`${API}/outages`, outageParams(state, range), signal);
}

const hours = (seconds) => `${(seconds / 3600).toFixed(1)} h`;
const share = (fraction) => (fraction === null ? "–" : `${Math.round(fraction * 100)} %`);

function receiverCell(receivers) {
  return html("td", { class: "receivers" }, receivers.map((r) => html("div", {}, [
    `${r.receiver}: ${hours(r.jammed_s)} jammed of ${hours(r.observed_s)} judged`
      + (r.unobserved_s > 0 ? `, ${hours(r.unobserved_s)} not observed` : ""),
  ])));
}

function row(outage) {
  const b = outage.broadcast;
  const c = outage.combined;
  const jammers = [...new Set(c.windows.flatMap((w) => w.jammers))].sort();
  return html("tr", { class: "outage", "data-broadcast-id": b.id }, [
    html("td", {}, [b.station]),
    html("td", {}, [b.language ?? "–"]),
    html("td", {}, [b.target ?? "–"]),
    html("td", { class: "num" }, [`${b.frequency_hz / 1000} kHz`]),
    html("td", {}, [`${b.start_time}–${b.end_time}`]),
    html("td", { class: "num", "data-field": "scheduled" }, [hours(c.scheduled_s)]),
    html("td", { class: "num", "data-field": "not-observed" }, [hours(c.not_observed_s)]),
    html("td", { class: "num", "data-field": "jammed-any" }, [`${hours(c.jammed_any_s)} (${share(c.jammed_any_fraction)})`]),
    html("td", { class: "num", "data-field": "jammed-all" }, [hours(c.jammed_all_s)]),
    html("td", { "data-field": "jammers" }, [jammers.join(", ") || "–"]),
    receiverCell(outage.receivers),
  ]);
}

const HEAD = [
  "Station", "Language", "Target", "Frequency", "Air (UTC)", "Scheduled", "Not observed",
  "Jammed (any receiver)", "Jammed (all)", "Jammers", "Per receiver",
];

/** Draw the report `body` (from loadOutages) with a CSV link for `params`. */
export function renderOutages(container, body, params) {
  const table = html("table", { id: "outage-table" }, [
    html("caption", {}, [
      body.data.length
        ? `${body.data.length} broadcast(s), ${body.start_date} to ${body.end_date}; jammed shares are of the judged air time`
        : `No scheduled broadcast matches, ${body.start_date} to ${body.end_date}.`,
    ]),
    html("thead", {}, [html("tr", {}, HEAD.map((h) => html("th", { scope: "col" }, [h])))]),
    html("tbody", {}, body.data.map(row)),
  ]);
  const csv = html("a", { href: apiUrl(`${API}/outages.csv`, params).href, download: "" }, ["CSV"]);
  container.replaceChildren(table, html("div", { class: "pager" }, [csv]));
}

/** Say why there is no table. */
export function renderOutageNote(container, text) {
  container.replaceChildren(html("p", { class: "note", id: "outage-note" }, [text]));
}
