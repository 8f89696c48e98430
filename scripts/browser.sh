#!/usr/bin/env bash
# Make sure Debian's Chromium is installed: the browser tests drive it through Playwright for
# Python (Playwright's own browser download is not reachable here). Installs it with apt when
# missing (as root, or through sudo); running it again changes nothing.
set -euo pipefail

CHROMIUM=${MICROCREDS_CHROMIUM:-/usr/bin/chromium}
if [[ -x "$CHROMIUM" ]]; then
    exit 0
fi
echo "browser: $CHROMIUM is missing; installing Debian's chromium package" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium >/dev/null
if [[ ! -x "$CHROMIUM" ]]; then
    echo "browser: could not install chromium at $CHROMIUM" >&2
    exit 1
fi
