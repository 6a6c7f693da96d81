#!/usr/bin/env bash
# The Debian packages Madina needs beside Python, installed when missing.
#   scripts/system_packages.sh run    — Pango and HarfBuzz, through which WeasyPrint writes PDFs
#   scripts/system_packages.sh test   — the above, and Chromium with Arabic fonts for browser tests
# Installing needs root or password-less sudo. Without them the script says what to install and,
# unless CI=true, goes on: the platform runs, and only PDF documents (or browser tests) fail.
set -euo pipefail

packages="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
if [ "${1:-run}" = "test" ]; then
  packages="$packages chromium fonts-noto-core"
fi

command -v dpkg >/dev/null 2>&1 || { echo "Not a Debian system: install the equivalents of: $packages"; exit 0; }

missing=""
for package in $packages; do
  dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=""
elif sudo -n true 2>/dev/null; then
  as_root="sudo"
else
  echo "Madina needs these Debian packages:$missing"
  echo "Install them with: sudo apt-get install -y$missing"
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
fi
echo "Installing Debian packages:$missing"
$as_root apt-get update -qq
# shellcheck disable=SC2086 # one word per package
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq $missing >/dev/null
