#!/bin/sh
# Install the Chromium the page's browser tests drive (Debian's package; Playwright never
# downloads a browser here). Idempotent: does nothing when /usr/bin/chromium exists.
set -eu

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-browser.sh: $CHROMIUM is missing and installing it needs root (no sudo found)" >&2
    exit 1
fi

$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

if [ ! -x "$CHROMIUM" ]; then
    echo "install-browser.sh: apt-get finished but $CHROMIUM is still missing" >&2
    exit 1
fi
