#!/usr/bin/env bash
# Install the Debian packages renkei needs (browser tests, the PDF report, workbook tests, nginx in front) when they are missing.
# Runs apt-get only as root and only when something is missing, so repeated runs are fast.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -e /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf ] || need+=(fonts-ipaexfont)
# The PDF report: WeasyPrint draws text with Pango; its tests read the PDF with poppler's pdftotext,
# pdffonts and pdftoppm.
# grep reads the whole list (no -q): under pipefail, grep -q leaving early can kill ldconfig with SIGPIPE, which made
# the check fail at random and ran apt-get (update included) in the middle of `make test`.
ldconfig -p 2>/dev/null | grep 'libpangoft2-1.0.so.0' >/dev/null || need+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
# The plan workbook's tests save it with LibreOffice Calc, as a planner using LibreOffice would.
command -v libreoffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
# `renkei backup` and `renkei restore` on PostgreSQL run pg_dump, pg_restore and psql.
command -v pg_dump >/dev/null 2>&1 && command -v psql >/dev/null 2>&1 || need+=(postgresql-client)
# The production setup (deploy/, `make serve-prod`) and its test put Debian's nginx in front of the portal.
[ -x /usr/sbin/nginx ] || need+=(nginx)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "renkei: missing Debian packages: ${need[*]} (run: sudo apt-get install ${need[*]})" >&2
  exit 0
fi
echo "renkei: installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
