#!/usr/bin/env bash
# Make sure the load generator of `make bench`'s public-page section is installed: wrk, from
# Debian's packages (as root, or through sudo). Running it again changes nothing.
set -euo pipefail

if command -v wrk >/dev/null 2>&1; then
    exit 0
fi
echo "bench-tools: wrk is missing; installing Debian's wrk package" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq wrk >/dev/null
command -v wrk >/dev/null 2>&1 || { echo "bench-tools: could not install wrk" >&2; exit 1; }
