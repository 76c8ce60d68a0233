#!/bin/sh
# Build the congdoan WordPress lab site from nothing and capture it in every
# theme x permalink style (+ the REST-closed variant) into tests/fixtures/wordpress/.
# Loopback only: MariaDB on 127.0.0.1:3306, the site on 127.0.0.1:$PORT,
# WordPress's outgoing HTTP blocked. Re-runnable: the database and the work
# directory are recreated each time. See README.md beside this file.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PORT=${CONGDOAN_WP_PORT:-8089}
SITE_URL="http://127.0.0.1:$PORT"
DB_NAME=${CONGDOAN_WP_DB:-congdoan_wp_lab}
WORKDIR=${CONGDOAN_WP_WORKDIR:-${TMPDIR:-/tmp}/congdoan-wp-lab}
OUT=${CONGDOAN_WP_OUT:-$REPO/tests/fixtures/wordpress}
PYTHON=${PYTHON:-python3}
CONFIG=/etc/wordpress/config-congdoanlab.php
export CONGDOAN_WP_WORKDIR="$WORKDIR"

# 1. A fresh database and work directory (wp-content: themes linked, uploads, mu-plugin).
mysql -h 127.0.0.1 -P 3306 -u root -e \
  "DROP DATABASE IF EXISTS \`$DB_NAME\`; CREATE DATABASE \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
rm -rf "$WORKDIR"
mkdir -p "$WORKDIR/wp-content/themes" "$WORKDIR/wp-content/uploads" \
         "$WORKDIR/wp-content/mu-plugins" "$WORKDIR/files"
for theme in /usr/share/wordpress/wp-content/themes/*; do
  ln -s "$theme" "$WORKDIR/wp-content/themes/$(basename "$theme")"
done
cp "$HERE/rest-closed.php" "$WORKDIR/wp-content/mu-plugins/"
sed -e "s|@DB_NAME@|$DB_NAME|" -e "s|@SITE_URL@|$SITE_URL|g" -e "s|@WORKDIR@|$WORKDIR|" \
  "$HERE/config.php.in" > "$CONFIG"

# 2. Content: attachment sources, then posts, people, terms, media.
"$PYTHON" "$HERE/make_files.py" "$WORKDIR/files"
php "$HERE/seed.php" "$SITE_URL" "$WORKDIR/files"

# 3. Serve it on loopback with PHP's built-in server and capture each variant.
php -S "127.0.0.1:$PORT" -t /usr/share/wordpress "$HERE/router.php" \
  > "$WORKDIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT INT TERM
sleep 1
for variant in ${CONGDOAN_WP_VARIANTS:-twentytwentythree:pretty:open twentytwentythree:plain:open \
                twentytwentyone:pretty:open twentytwentyone:plain:open twentytwentyone:pretty:closed}; do
  theme=${variant%%:*}; rest=${variant##*:}; permalinks=${variant#*:}; permalinks=${permalinks%:*}
  name="$theme-$permalinks"; [ "$rest" = closed ] && name="$name-restclosed"
  php "$HERE/configure.php" "$SITE_URL" "$theme" "$permalinks" "$rest"
  rm -rf "${OUT:?}/$name"; mkdir -p "$OUT/$name"
  php "$HERE/export_truth.php" "$SITE_URL" "$theme" "$permalinks" "$rest" > "$OUT/$name/truth.json"
  "$PYTHON" "$HERE/capture.py" "$SITE_URL" "$OUT/$name"
done
