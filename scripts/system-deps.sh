#!/bin/sh
# System packages the Python dependencies cannot bring: a Thai font for the reports.
# Debian's fonts-thai-tlwg gives Laksaman, which matplotlib and Word both render Thai with.
# Never fails the install: without the font, only the reports refuse (with a clear message).
set -u

FONT=/usr/share/fonts/truetype/tlwg/Laksaman.ttf

if [ -f "$FONT" ] || { command -v fc-list >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi -e laksaman -e "TH Sarabun New"; }; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: cannot install the Thai font (need root and apt-get): run 'apt-get install fonts-thai-tlwg' as root; reports need it" >&2
    exit 0
fi
# The package lists may be missing on a fresh machine; update once and retry.
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-thai-tlwg >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-thai-tlwg >/dev/null 2>&1; then
        echo "system-deps: apt-get could not install fonts-thai-tlwg; reports need a Thai font (Laksaman or TH Sarabun New)" >&2
        exit 0
    fi
fi
echo "system-deps: installed fonts-thai-tlwg (Thai font for reports)"
