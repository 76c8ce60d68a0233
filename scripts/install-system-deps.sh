#!/usr/bin/env bash
# System packages the test suite needs beyond Python: a headless Chromium and its
# WebDriver for the web interface's browser tests. Idempotent and quiet: does
# nothing when both are installed; waits for another apt user instead of failing.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-system-deps: chromium/chromedriver missing; run as root or: apt-get install chromium chromium-driver" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-o DPkg::Lock::Timeout=600 -qq)
apt-get "${apt_opts[@]}" update >/dev/null
apt-get "${apt_opts[@]}" install -y --no-install-recommends chromium chromium-driver >/dev/null
echo "install-system-deps: installed chromium $(chromium --version 2>/dev/null | awk '{print $2}')"
