#!/usr/bin/env bash
# Vendor the portal's third-party JavaScript from the npm registry (never a CDN) into src/renkei/web/static/vendor/.
# Usage: scripts/vendor-assets.sh [ECHARTS_VERSION] [AXE_VERSION]   (defaults: the versions pinned below)
# Not run by `make test`; run it by hand to update, then update the versions in static/vendor/README.md.
set -euo pipefail
ECHARTS_VERSION="${1:-6.1.0}"
AXE_VERSION="${2:-4.14.1}"
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/src/renkei/web/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$dest"
cd "$work"
# npm pack downloads the published tarball and checks it against the registry's integrity hash.
npm pack --silent "echarts@$ECHARTS_VERSION" "axe-core@$AXE_VERSION" >/dev/null
mkdir echarts axe
tar xzf "echarts-$ECHARTS_VERSION.tgz" -C echarts
tar xzf "axe-core-$AXE_VERSION.tgz" -C axe
cp echarts/package/dist/echarts.min.js "$dest/echarts.min.js"
# Apache-2.0 asks that the NOTICE and the licences of bundled subcomponents (d3, BSD-3-Clause) travel with the code.
{
  cat echarts/package/LICENSE
  printf '\n\n======================================================================== NOTICE\n\n'
  cat echarts/package/NOTICE
  printf '\n\n======================================================================== licenses/LICENSE-d3\n\n'
  cat echarts/package/licenses/LICENSE-d3
} > "$dest/echarts.LICENSE.txt"
cp axe/package/axe.min.js "$dest/axe.min.js"
cp axe/package/LICENSE "$dest/axe.LICENSE.txt"
cd "$dest"
echo "vendored echarts $ECHARTS_VERSION and axe-core $AXE_VERSION into $dest"
sha256sum echarts.min.js axe.min.js
