// The timeline: one lane per (channel, receiver), time along x, intervals coloured by state.

import { html, linearScale, svg } from "./dom.js";
import { STATE_COLORS, dutyFill, fillOf } from "./palette.js";
import { drawable } from "./runs.js";
import { formatDuration, formatUtc, isoUtc, timeTicks } from "./time.js";

const LABEL_W = 200;
const AXIS_H = 26;
const ROW_H = 16;
const ROW_GAP = 3;
const GROUP_GAP = 8;
const RIGHT_PAD = 14;
const MIN_DRAG_PX = 5;
const WHEEL_FACTOR = 1.5;

const kHz = (hz) => `${hz / 1000} kHz`;

function describe(lane, iv) {
  const where = `${kHz(lane.frequencyHz)} · ${lane.receiver}`;
  const when = `${formatUtc(iv.start, true)} – ${formatUtc(iv.end, true)} UTC`;
  if (iv.date !== undefined) {
    const d = iv.day;
    if (!d || iv.state === "unobserved") return `${iv.date} · ${where}\nnot observed`;
    const figures = `observed ${d.observed_h.toFixed(1)} h, unknown ${d.unknown_h.toFixed(1)} h`;
    if (d.duty_cycle === null) return `${iv.date} · ${where}\nnothing judged; ${figures}`;
    return `${iv.date} · ${where}\njammed ${d.jammed_h.toFixed(1)} h of ${d.judged_h.toFixed(1)} h judged `
      + `(${Math.round(d.duty_cycle * 100)} %); ${figures}`;
  }
  const what = iv.state === "jammed" ? `jammed (${iv.jammer})` : iv.state === "unloaded" ? "not loaded: zoom in" : iv.state;
  const prefix = iv.binned ? "mostly " : "";
  const extra = [
    iv.confidence !== null && iv.confidence !== undefined ? `confidence ${iv.confidence.toFixed(2)}` : null,
    iv.snrDb !== null && iv.snrDb !== undefined ? `SNR ${iv.snrDb.toFixed(1)} dB` : null,
  ].filter(Boolean).join(", ");
  const duration = formatDuration((iv.end - iv.start) / 1000);
  return `${where}\n${when} (${duration})\n${prefix}${what}${extra ? `, ${extra}` : ""}`;
}

function fillFor(iv) {
  if (iv.state === "day") return dutyFill(iv.day.duty_cycle);
  return fillOf(iv.state, iv.jammer);
}

/** The timeline drawing in `container`, with wheel zoom and drag-to-select. */
export class Timeline {
  /**
   * @param {HTMLElement} container  element the SVG goes in (focusable, for the keyboard)
   * @param {{onRange: Function, onZoom: Function}} handlers  onRange({start, end}) after a drag;
   *   onZoom(factor, anchor) on the mouse wheel (factor > 1 zooms in, anchor 0..1 across x)
   */
  constructor(container, handlers) {
    this.container = container;
    this.handlers = handlers;
    this.scale = null;
    this.svg = null;
    container.addEventListener("wheel", (event) => this.wheel(event), { passive: false });
    container.addEventListener("pointerdown", (event) => this.brush(event));
  }

  /** Draw `model`: {range, mode, rows: [{frequencyHz, receiver, intervals}], message}. */
  draw(model) {
    const { range, mode, rows } = model;
    const width = Math.max(480, this.container.clientWidth);
    const plotW = width - LABEL_W - RIGHT_PAD;
    const x = linearScale(range.start, range.end, LABEL_W, LABEL_W + plotW);
    const lanes = [];
    let y = AXIS_H;
    rows.forEach((lane, index) => {
      const first = index === 0 || rows[index - 1].frequencyHz !== lane.frequencyHz;
      if (first && index > 0) y += GROUP_GAP;
      lanes.push(this.lane(lane, y, first, x, plotW, range));
      y += ROW_H + ROW_GAP;
    });
    const height = Math.max(y + 4, AXIS_H + 40);
    const ticks = timeTicks(range.start, range.end, Math.max(2, Math.floor(plotW / 80)));
    const root = svg("svg", {
      id: "timeline-svg",
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      "data-mode": mode,
      "data-start": isoUtc(range.start),
      "data-end": isoUtc(range.end),
      role: "img",
      "aria-label": `Timeline of ${rows.length} lanes from ${formatUtc(range.start)} to ${formatUtc(range.end)} UTC`,
    }, [
      svg("g", { class: "axis" }, ticks.map((tick) => svg("g", { class: tick.major ? "tick major" : "tick" }, [
        svg("line", { x1: x(tick.t), x2: x(tick.t), y1: AXIS_H - 5, y2: height }),
        svg("text", {
          x: x(tick.t), y: AXIS_H - 9, "text-anchor": x(tick.t) > width - 30 ? "end" : "middle",
        }, [tick.label]),
      ]))),
      ...lanes,
      rows.length === 0
        ? svg("text", { class: "empty-message", x: LABEL_W + plotW / 2, y: AXIS_H + 24, "text-anchor": "middle" }, [model.message])
        : null,
      svg("rect", { class: "brush", x: 0, y: AXIS_H, width: 0, height: height - AXIS_H, visibility: "hidden" }),
    ]);
    this.container.replaceChildren(root);
    this.svg = root;
    this.scale = x;
    this.plotW = plotW;
  }

  lane(lane, y, first, x, plotW, range) {
    const runs = drawable(lane.intervals, range.start, range.end, plotW);
    const rects = runs.map((iv) => {
      const x0 = x(Math.max(iv.start, range.start));
      const x1 = x(Math.min(iv.end, range.end));
      return svg("rect", {
        class: "iv",
        x: x0.toFixed(2),
        y,
        width: Math.max(x1 - x0, 1).toFixed(2),
        height: ROW_H,
        fill: fillFor(iv),
        "data-state": iv.state,
        "data-jammer": iv.jammer,
        "data-start": isoUtc(iv.start),
        "data-end": isoUtc(iv.end),
        "data-date": iv.date,
        "data-duty": iv.day?.duty_cycle?.toFixed(4),
        "data-binned": iv.binned ? "true" : null,
      }, [svg("title", {}, [describe(lane, iv)])]);
    });
    return svg("g", {
      class: "lane", "data-frequency-hz": lane.frequencyHz, "data-receiver": lane.receiver,
    }, [
      first ? svg("text", { class: "lane-frequency", x: 6, y: y + ROW_H - 4 }, [kHz(lane.frequencyHz)]) : null,
      svg("text", { class: "lane-receiver", x: LABEL_W - 8, y: y + ROW_H - 4, "text-anchor": "end" }, [lane.receiver]),
      svg("rect", { class: "lane-frame", x: LABEL_W, y, width: plotW, height: ROW_H, fill: STATE_COLORS.unobserved }),
      ...rects,
    ]);
  }

  plotFraction(clientX) {
    const box = this.svg.getBoundingClientRect();
    return (clientX - box.left - LABEL_W) / this.plotW;
  }

  wheel(event) {
    if (!this.svg || event.deltaY === 0) return;
    const anchor = this.plotFraction(event.clientX);
    if (anchor < 0 || anchor > 1) return;
    event.preventDefault();
    this.handlers.onZoom(event.deltaY < 0 ? WHEEL_FACTOR : 1 / WHEEL_FACTOR, anchor);
  }

  brush(event) {
    if (!this.svg || event.button !== 0) return;
    const from = this.plotFraction(event.clientX);
    if (from < 0 || from > 1) return;
    event.preventDefault();
    const overlay = this.svg.querySelector(".brush");
    const clamp = (f) => Math.min(1, Math.max(0, f));
    const toPx = (f) => LABEL_W + clamp(f) * this.plotW;
    const move = (e) => {
      const to = this.plotFraction(e.clientX);
      overlay.setAttribute("x", Math.min(toPx(from), toPx(to)));
      overlay.setAttribute("width", Math.abs(toPx(to) - toPx(from)));
      overlay.setAttribute("visibility", "visible");
    };
    const up = (e) => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      overlay.setAttribute("visibility", "hidden");
      const a = toPx(from);
      const b = toPx(this.plotFraction(e.clientX));
      if (Math.abs(b - a) >= MIN_DRAG_PX) {
        this.handlers.onRange({ start: this.scale.invert(Math.min(a, b)), end: this.scale.invert(Math.max(a, b)) });
      }
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  }
}

/** The note under the timeline saying how it was drawn. */
export function drawingNote(mode, truncated) {
  const how = mode === "daily"
    ? "Views longer than 2 days show one cell per UTC day, coloured by its duty cycle (jammed / judged hours)."
    : "Intervals as stored; a lane with more intervals than pixels shows, per 2 px, the state that lasts longest there.";
  return html("p", { class: "note" }, [how, truncated ? " Some lanes were too long to load in full: zoom in to see the rest." : ""]);
}
