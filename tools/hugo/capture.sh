#!/bin/sh
# Build the congdoan lab news site with Hugo (Debian's hugo package) and capture it
# into tests/fixtures/hugo/lab-news/. Loopback only. See tools/cmslab/README.md.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PORT=${CONGDOAN_LAB_PORT:-8091}
BASE="http://127.0.0.1:$PORT/"
WORKDIR=${CONGDOAN_LAB_WORKDIR:-${TMPDIR:-/tmp}/congdoan-hugo-lab}
OUT=${CONGDOAN_LAB_OUT:-$REPO/tests/fixtures/hugo/lab-news}
PYTHON=${PYTHON:-python3}

rm -rf "$WORKDIR"; mkdir -p "$WORKDIR"
cp -r "$HERE/site" "$WORKDIR/site"
"$PYTHON" "$REPO/tools/cmslab/seed.py" hugo "$WORKDIR/site"
cd "$WORKDIR/site"
HUGO_BASEURL="$BASE" hugo --quiet -d "$WORKDIR/public"
HUGO_BASEURL="$BASE" hugo list all > "$WORKDIR/posts.csv"
VERSION=$(hugo version | sed -n 's/^hugo v\([0-9.]*\).*/\1/p')
rm -rf "$OUT"; mkdir -p "$OUT"
"$PYTHON" "$REPO/tools/cmslab/truth.py" hugo "$WORKDIR/site" "$WORKDIR/posts.csv" "$BASE" \
  "$VERSION" "lab-news (tools/hugo/site/layouts)" > "$OUT/truth.json"
"$PYTHON" "$REPO/tools/cmslab/capture.py" "$WORKDIR/public" "$PORT" "$OUT"
