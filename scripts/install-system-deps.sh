#!/usr/bin/env bash
# System packages beyond Python that congdoan's file reading uses: Tesseract with
# its Vietnamese model (OCR of scanned files), antiword and catdoc (.doc, .xls),
# libarchive (.zip/.rar/.7z members, read in memory) and a Vietnamese-capable font
# (the tests render scanned pages). All from Debian main. Idempotent and quiet:
# does nothing when everything is present; waits for another apt user instead of
# failing (other jobs may run apt at the same time).
set -euo pipefail

ocr_packages=(tesseract-ocr tesseract-ocr-vie antiword catdoc libarchive13 fonts-dejavu-core)

missing=()
for pkg in "${ocr_packages[@]}"; do
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
