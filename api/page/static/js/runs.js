// Level of detail: what to draw of a lane when it has more intervals than the width has pixels.

const keyOf = (iv) => (iv.state === "jammed" ? `jammed:${iv.jammer}` : iv.state);

/**
 * The intervals of a lane to draw at `widthPx` over [start, end). When there are fewer
 * intervals than half the pixels, they are drawn as they are; otherwise the lane is cut into
 * bins of `binPx` pixels, each taking the state (and jammer) that lasts longest in it, and
 * neighbouring bins of one state are joined. Binned runs carry `binned: true`.
 */
export function drawable(intervals, start, end, widthPx, binPx = 2) {
  if (intervals.length <= widthPx / 2) return intervals;
  const bins = Math.max(1, Math.floor(widthPx / binPx));
  const binMs = (end - start) / bins;
  const runs = [];
  let first = 0;
  for (let b = 0; b < bins; b += 1) {
    const b0 = start + b * binMs;
    const b1 = b0 + binMs;
    const time = new Map();
    while (first < intervals.length && intervals[first].end <= b0) first += 1;
    for (let i = first; i < intervals.length && intervals[i].start < b1; i += 1) {
      const iv = intervals[i];
      const k = keyOf(iv);
      time.set(k, (time.get(k) ?? 0) + Math.min(iv.end, b1) - Math.max(iv.start, b0));
    }
    let best = null;
    for (const [k, t] of time) if (best === null || t > time.get(best)) best = k;
    if (best === null) continue;
    const last = runs[runs.length - 1];
    if (last && last.key === best && last.lastBin === b - 1) {
      last.end = b1;
      last.lastBin = b;
    } else {
      const [state, jammer] = best.split(":");
      runs.push({ key: best, start: b0, end: b1, lastBin: b, state, jammer: jammer ?? null, binned: true });
    }
  }
  return runs;
}
