#!/bin/sh
# System packages the Python dependencies cannot bring: a Thai font for the reports, and
# LibreOffice Writer, which turns the DOCX reports into PDF (bot/reports/pdf.py says why).
# Debian's fonts-thai-tlwg gives Laksaman, which matplotlib and Word both render Thai with.
# Never fails the install: without the font, only the reports refuse (with a clear message).
set -u

FONT=/usr/share/fonts/truetype/tlwg/Laksaman.ttf

# LibreOffice Writer makes the PDF reports and the publication pack's PDF. Best effort, after
# the font; never fails the install (without it only PDF output refuses, with a clear line).
office() {
    command -v soffice >/dev/null 2>&1 && return 0
    [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1 || return 0
    set -- libreoffice-writer-nogui
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
        >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
            >/dev/null 2>&1; }; then
        echo "system-deps: installed libreoffice-writer-nogui (PDF reports)"
    else
        echo "system-deps: could not install libreoffice-writer-nogui; PDF reports need it (apt-get install libreoffice-writer-nogui)" >&2
    fi
}
# nginx (Debian nginx-light) is the reverse proxy of deploy/ and of `make drill-replicas`.
# Best effort too: only that drill needs it here (it says how to install it when missing).
proxy() {
    command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] && return 0
    [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1 || return 0
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light \
        >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light \
            >/dev/null 2>&1; }; then
        echo "system-deps: installed nginx-light (reverse proxy for the replica drill)"
    else
        echo "system-deps: could not install nginx-light; make drill-replicas needs it (apt-get install nginx-light)" >&2
    fi
}
trap 'proxy; office' EXIT

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
