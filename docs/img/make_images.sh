#!/bin/sh
# Regenerate the waterfall pictures in docs/img/ (run from the repository root):
#   scene-<name>.png        every built-in simulator scene, whole band, ground truth drawn over it
#   scene-<name>-zoom.png   a few hundred kHz of the wideband scenes, where the jammers are
#   real-<name>.png         real off-air KiwiSDR recordings from ../shared/iq, for comparison
# Scenes are rendered with seed 1 at their own length and rate, so the pictures are reproducible.
# Environment: JAMWATCH (default .venv/bin/jamwatch), IQ (default ../shared/iq).
set -eu

JAMWATCH=${JAMWATCH:-.venv/bin/jamwatch}
IQ=${IQ:-../shared/iq}
OUT=docs/img
SIZE=900x680
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# RF range (Hz) of the zoomed picture of each wideband scene: where its jammers are.
zoom_range() {
    case "$1" in
        nk_49m) echo "5950000 6180000" ;;
        china_31m) echo "9400000 9650000" ;;
        cuba_41m) echo "7100000 7380000" ;;
        clean_25m) echo "11650000 11900000" ;;
        *) echo "" ;;
    esac
}

for scene in $("$JAMWATCH" simulate --list | cut -d' ' -f1); do
    "$JAMWATCH" simulate "$scene" --seed 1 -o "$WORK/$scene"
    "$JAMWATCH" waterfall "$WORK/$scene.sigmf-meta" -o "$OUT/scene-$scene.png" --size "$SIZE"
    range=$(zoom_range "$scene")
    if [ -n "$range" ]; then
        set -- $range
        "$JAMWATCH" waterfall "$WORK/$scene.sigmf-meta" -o "$OUT/scene-$scene-zoom.png" \
            --size "$SIZE" --fmin-hz "$1" --fmax-hz "$2"
    fi
    rm -f "$WORK/$scene".*
done

"$JAMWATCH" waterfall "$IQ/kuwait-drm-15110khz/kuwait_drm_15110khz_12k.sigmf-meta" \
    -o "$OUT/real-kuwait-drm-15110khz.png" --size 900x640
"$JAMWATCH" waterfall "$IQ/dcf77-77500hz-kiwirecorder/20171127T104156Z_77500_F1JEK_iq.wav" \
    -o "$OUT/real-dcf77-kiwirecorder.png" --size 900x640
