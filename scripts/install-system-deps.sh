#!/usr/bin/env bash
# System packages beyond Python that congdoan uses, all from Debian main:
# - Tesseract with its Vietnamese model (OCR of scanned files), antiword and
#   catdoc (.doc, .xls, .rtf), libarchive (.zip/.rar/.7z members, read in memory)
#   and a Vietnamese-capable font (the tests render scanned pages);
# - a headless Chromium and its WebDriver (the web interface's browser tests).
# Idempotent and quiet: does nothing when everything is present; waits for
# another apt user instead of failing. Without root it names what is missing.
set -euo pipefail

packages=(tesseract-ocr tesseract-ocr-vie antiword catdoc libarchive13 fonts-dejavu-core
          chromium chromium-driver)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-system-deps: missing ${missing[*]}; run as root or: apt-get install ${missing[*]}" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-o DPkg::Lock::Timeout=600 -qq)
apt-get "${apt_opts[@]}" update >/dev/null
apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null
echo "install-system-deps: installed ${missing[*]}"
