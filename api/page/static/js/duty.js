// The daily duty-cycle chart: per UTC day, jammed hours / judged hours of the selection.

import { html, svg } from "./dom.js";
import { JAMMER_COLORS, STATE_COLORS } from "./palette.js";

const HEIGHT = 190;
const LEFT = 44;
const RIGHT = 10;
const TOP = 12;
const BOTTOM = 40;
const STRIP_H = 5;
const LABEL_GAP_PX = 46;

const percent = (value) => `${Math.round(value * 100)} %`;

function describe(day, lanes) {
  if (day.observedH <= 0) return `${day.date}: no data (nothing observed)`;
  const observed = `observed ${day.observedH.toFixed(1)} of ${24 * lanes} lane-hours`;
  if (day.duty === null) return `${day.date}: nothing judged (only unknown time); ${observed}`;
  return `${day.date}: jammed ${day.jammedH.toFixed(1)} h of ${day.judgedH.toFixed(1)} h judged `
    + `(${percent(day.duty)}); ${observed}, unknown ${day.unknownH.toFixed(1)} h`;
}

function dayBar(day, x0, band, plotH, lanes) {
  const x = x0 + band * 0.1;
  const w = Math.max(band * 0.8, 1);
  const bottom = TOP + plotH;
  const coverage = lanes > 0 ? Math.min(1, day.observedH / (24 * lanes)) : 0;
  const kind = day.observedH <= 0 ? "nodata" : day.duty === null ? "unknown" : "duty";
  const parts = [svg("title", {}, [describe(day, lanes)])];
  if (kind === "nodata") {
    parts.push(svg("rect", { class: "nodata", x, y: TOP, width: w, height: plotH, fill: STATE_COLORS.unobserved }));
    if (band >= 12) {
      parts.push(svg("text", {
        class: "bar-label", transform: `translate(${x + w / 2 + 4},${bottom - 6}) rotate(-90)`,
      }, ["no data"]));
    }
  } else if (kind === "unknown") {
    parts.push(svg("rect", { class: "unknown", x, y: TOP, width: w, height: plotH, fill: STATE_COLORS.unknown }));
  } else {
    const h = day.duty * plotH;
    parts.push(svg("rect", { class: "track", x, y: TOP, width: w, height: plotH, fill: STATE_COLORS.empty }));
    parts.push(svg("rect", { class: "bar", x, y: bottom - h, width: w, height: h, fill: JAMMER_COLORS.noise }));
    if (band >= 26) {
      parts.push(svg("text", { class: "bar-label", x: x + w / 2, y: bottom - h - 3, "text-anchor": "middle" }, [percent(day.duty)]));
    }
  }
  parts.push(svg("rect", {
    class: "coverage", x, y: bottom + 3, width: w, height: STRIP_H, fill: STATE_COLORS.signal, "fill-opacity": coverage.toFixed(3),
  }));
  return svg("g", {
    class: `day ${kind}`,
    "data-date": day.date,
    "data-duty": day.duty === null ? null : day.duty.toFixed(6),
    "data-observed-h": day.observedH.toFixed(4),
    "data-jammed-h": day.jammedH.toFixed(4),
    "data-judged-h": day.judgedH.toFixed(4),
  }, parts);
}

/**
 * Draw `days` (from dutyByDay) of a selection of `lanes` (channel, receiver) pairs in
 * `container`, with a line naming the days without jamming and the days without data.
 */
export function renderDuty(container, days, lanes) {
  const width = Math.max(360, container.clientWidth);
  const plotW = width - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const band = plotW / Math.max(1, days.length);
  const every = Math.max(1, Math.ceil(LABEL_GAP_PX / band));
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => svg("g", { class: "ygrid" }, [
    svg("line", { x1: LEFT, x2: LEFT + plotW, y1: TOP + plotH * (1 - f), y2: TOP + plotH * (1 - f) }),
    svg("text", { x: LEFT - 5, y: TOP + plotH * (1 - f) + 4, "text-anchor": "end" }, [percent(f)]),
  ]));
  const labels = days.map((day, i) => (i % every === 0
    ? svg("text", { class: "xlabel", x: LEFT + band * (i + 0.5), y: HEIGHT - 8, "text-anchor": "middle" }, [day.date.slice(5)])
    : null));
  const chart = svg("svg", {
    id: "duty-svg",
    width,
    height: HEIGHT,
    viewBox: `0 0 ${width} ${HEIGHT}`,
    role: "img",
    "aria-label": `Daily jamming duty cycle, ${days[0]?.date ?? ""} to ${days[days.length - 1]?.date ?? ""}`,
  }, [...grid, ...days.map((day, i) => dayBar(day, LEFT + band * i, band, plotH, lanes)), ...labels]);
  const clear = days.filter((d) => d.duty === 0).map((d) => d.date);
  const nodata = days.filter((d) => d.observedH <= 0).map((d) => d.date);
  const list = (dates) => (dates.length ? dates.join(", ") : "none");
  container.replaceChildren(
    chart,
    html("p", { class: "duty-days" }, [
      html("span", { id: "days-clear" }, [`Observed without any jamming: ${list(clear)}.`]),
      " ",
      html("span", { id: "days-nodata" }, [`No data: ${list(nodata)}.`]),
    ]),
  );
}
