#!/usr/bin/env bash
# Vendor plotly.js's partial "basic" bundle (scatter, bar and pie traces only: what the charts use) from the
# npm registry's plotly.js-basic-dist-min package (MIT). To move to another plotly.js release, change VERSION,
# run this (needs npm), look at the charts, commit. core/tests/test_plotly_bundle.py checks the file is VERSION.
set -euo pipefail
VERSION=4.1.1
cd "$(dirname "$0")/.."
work=$(mktemp -d)
(cd "$work" && npm pack --silent "plotly.js-basic-dist-min@$VERSION" >/dev/null && tar xzf ./*.tgz)
cp "$work/package/plotly-basic.min.js" ketnoi/core/static/ketnoi/vendor/plotly-basic.min.js
cp "$work/package/LICENSE" ketnoi/core/static/ketnoi/vendor/plotly-basic.LICENSE
rm -rf "$work"
echo "plotly.js basic bundle $VERSION vendored"
