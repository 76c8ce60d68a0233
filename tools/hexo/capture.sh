#!/bin/sh
# Build the congdoan lab news site with Hexo and its landscape theme (both from npm,
# versions pinned in site/package.json) and capture it into
# tests/fixtures/hexo/landscape/. Loopback only. See tools/cmslab/README.md.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PORT=${CONGDOAN_LAB_PORT:-8093}
BASE="http://127.0.0.1:$PORT"
WORKDIR=${CONGDOAN_LAB_WORKDIR:-${TMPDIR:-/tmp}/congdoan-hexo-lab}
OUT=${CONGDOAN_LAB_OUT:-$REPO/tests/fixtures/hexo/landscape}
PYTHON=${PYTHON:-python3}

rm -rf "$WORKDIR"; mkdir -p "$WORKDIR"
cp -r "$HERE/site/." "$WORKDIR/"
sed -i "s|^url: .*|url: $BASE|" "$WORKDIR/_config.yml"
cd "$WORKDIR"
npm install --silent --no-audit --no-fund
"$PYTHON" "$REPO/tools/cmslab/seed.py" hexo "$WORKDIR"
npx hexo generate --silent
cp "$HERE/list_posts.js" "$WORKDIR/"
node "$WORKDIR/list_posts.js" "$WORKDIR" > "$WORKDIR/posts.json"
VERSION=$(node -p 'require("hexo/package.json").version')
THEME=$(node -p 'require("hexo-theme-landscape/package.json").version')
rm -rf "$OUT"; mkdir -p "$OUT"
"$PYTHON" "$REPO/tools/cmslab/truth.py" hexo "$WORKDIR" "$WORKDIR/posts.json" "$BASE" \
  "$VERSION" "landscape $THEME" > "$OUT/truth.json"
"$PYTHON" "$REPO/tools/cmslab/capture.py" "$WORKDIR/public" "$PORT" "$OUT"
