#!/bin/sh
# Build the congdoan lab news site with Jekyll (Debian's jekyll, ruby-jekyll-feed,
# ruby-jekyll-sitemap, ruby-jekyll-seo-tag) and capture it into
# tests/fixtures/jekyll/lab-news/. Loopback only. See tools/cmslab/README.md.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PORT=${CONGDOAN_LAB_PORT:-8092}
BASE="http://127.0.0.1:$PORT"
WORKDIR=${CONGDOAN_LAB_WORKDIR:-${TMPDIR:-/tmp}/congdoan-jekyll-lab}
OUT=${CONGDOAN_LAB_OUT:-$REPO/tests/fixtures/jekyll/lab-news}
PYTHON=${PYTHON:-python3}

rm -rf "$WORKDIR"; mkdir -p "$WORKDIR"
cp -r "$HERE/site" "$WORKDIR/site"
"$PYTHON" "$REPO/tools/cmslab/seed.py" jekyll "$WORKDIR/site"
printf 'url: "%s"\n' "$BASE" > "$WORKDIR/url.yml"
cd "$WORKDIR/site"
jekyll build --quiet --config "_config.yml,$WORKDIR/url.yml" -d "$WORKDIR/public"
ruby "$HERE/list_posts.rb" "$WORKDIR/site" "$BASE" > "$WORKDIR/posts.json"
VERSION=$(jekyll --version | sed 's/^jekyll //')
rm -rf "$OUT"; mkdir -p "$OUT"
"$PYTHON" "$REPO/tools/cmslab/truth.py" jekyll "$WORKDIR/site" "$WORKDIR/posts.json" "$BASE" \
  "$VERSION" "lab-news (tools/jekyll/site/_layouts) + jekyll-seo-tag" > "$OUT/truth.json"
"$PYTHON" "$REPO/tools/cmslab/capture.py" "$WORKDIR/public" "$PORT" "$OUT"
