// Colours (Okabe-Ito, safe for the common colour-vision deficiencies) and the legend.

import { html, svg } from "./dom.js";

/** The hatch pattern marking unobserved time is defined once, in index.html. */
export const HATCH_ID = "unobserved-hatch";

export const JAMMER_COLORS = {
  noise: "#d55e00",
  sweep: "#e69f00",
  pulse: "#cc79a7",
  tone: "#f0e442",
  program: "#009e73",
  other: "#000000",
};

export const STATE_COLORS = {
  signal: "#0072b2",
  empty: "#dbe4ea",
  unknown: "#8c8c8c",
  unobserved: `url(#${HATCH_ID})`,
  unloaded: "#f4f4f4",
};

const DUTY_LOW = [0xdb, 0xe4, 0xea];
const DUTY_HIGH = [0xd5, 0x5e, 0x00];

/** Fill of an interval: the jammer's colour for `jammed`, else the state's. */
export function fillOf(state, jammer) {
  return state === "jammed" ? (JAMMER_COLORS[jammer] ?? JAMMER_COLORS.other) : STATE_COLORS[state];
}

/** Fill for a day's duty cycle 0..1: pale (0 %) to vermillion (100 %), monotone in lightness. */
export function dutyFill(duty) {
  const mix = DUTY_LOW.map((low, i) => Math.round(low + (DUTY_HIGH[i] - low) * duty));
  return `#${mix.map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}

function swatch(fill) {
  return svg("svg", { width: 22, height: 12, "aria-hidden": "true", class: "swatch" }, [
    svg("rect", { width: 22, height: 12, fill, stroke: "#6b6b6b", "stroke-width": 0.5 }),
  ]);
}

function item(key, fill, label) {
  return html("li", { "data-key": key }, [swatch(fill), html("span", {}, [label])]);
}

/** The legend of the timeline in `mode` ("detail": states and jammers; "daily": duty cycle). */
export function legend(mode) {
  const items = mode === "daily"
    ? [0, 0.25, 0.5, 0.75, 1].map((d) => item(`duty:${d}`, dutyFill(d), `${d * 100} % jammed`))
    : [
      item("signal", STATE_COLORS.signal, "broadcast (signal)"),
      item("empty", STATE_COLORS.empty, "empty"),
      ...Object.entries(JAMMER_COLORS).map(([jammer, fill]) => item(`jammed:${jammer}`, fill, `jammed: ${jammer}`)),
    ];
  items.push(item("unknown", STATE_COLORS.unknown, "unknown (not judged)"));
  items.push(item("unobserved", STATE_COLORS.unobserved, "not observed"));
  return html("ul", { class: "legend-list", "aria-label": "Legend" }, items);
}
