#!/usr/bin/env bash
# Vendor third-party JavaScript from the npm registry (never a CDN) into src/renkei/web/static/vendor/.
# Today that is axe-core, which the browser tests inject to audit accessibility; the portal's charts and map are
# drawn as SVG on the server and need no JavaScript library.
# Usage: scripts/vendor-assets.sh [AXE_VERSION]   (default: the version pinned below)
# Not run by `make test`; run it by hand to update, then update the version in static/vendor/README.md.
set -euo pipefail
AXE_VERSION="${1:-4.14.1}"
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/src/renkei/web/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$dest"
cd "$work"
# npm pack downloads the published tarball and checks it against the registry's integrity hash.
npm pack --silent "axe-core@$AXE_VERSION" >/dev/null
mkdir axe
tar xzf "axe-core-$AXE_VERSION.tgz" -C axe
cp axe/package/axe.min.js "$dest/axe.min.js"
cp axe/package/LICENSE "$dest/axe.LICENSE.txt"
cd "$dest"
echo "vendored axe-core $AXE_VERSION into $dest"
sha256sum axe.min.js
