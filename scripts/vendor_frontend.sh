#!/usr/bin/env bash
# Vendors the front-end assets the site and its browser tests use, from the npm registry.
# No CDN is used anywhere: the copied files are committed under static/vendor/ and tests/e2e/vendor/.
#   scripts/vendor_frontend.sh            # re-vendor the pinned versions below
# To upgrade, change a version here, run the script, look at the pages, and commit the result.
set -euo pipefail

GOVUK_FRONTEND_VERSION=6.6.0
HTMX_VERSION=2.0.11       # htmx 2.x: the 4.x line is a different API
AXE_CORE_VERSION=4.14.1   # for the accessibility checks in tests/e2e only

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

npm install --silent --no-audit --no-fund --prefix "$work" \
  "govuk-frontend@${GOVUK_FRONTEND_VERSION}" "htmx.org@${HTMX_VERSION}" "axe-core@${AXE_CORE_VERSION}"

nm="$work/node_modules"
dest="$root/static/vendor"
rm -rf "$dest/govuk-frontend" "$dest/htmx"
mkdir -p "$dest/govuk-frontend" "$dest/htmx" "$root/tests/e2e/vendor"

# GOV.UK Frontend: CSS, the ES module and its images.
cp "$nm/govuk-frontend/dist/govuk/govuk-frontend.min.js" "$dest/govuk-frontend/"
mkdir -p "$dest/govuk-frontend/assets"
cp -r "$nm/govuk-frontend/dist/govuk/assets/images" "$dest/govuk-frontend/assets/images"
# 1. The stylesheet refers to /assets/...; point it at the vendored copy, relative to the
#    stylesheet itself, so it works under any STATIC_URL and with hashed file names.
# 2. The GDS Transport typeface may only be used on GOV.UK domains: drop its @font-face
#    rules and fall back to Arial, as GOV.UK Frontend itself does off GOV.UK.
sed -e 's#url(/assets/#url(assets/#g' \
    -e 's#@font-face{font-family:GDS Transport;[^}]*}##g' \
    -e 's#font-family:GDS Transport,arial,sans-serif#font-family:arial,sans-serif#g' \
  "$nm/govuk-frontend/dist/govuk/govuk-frontend.min.css" > "$dest/govuk-frontend/govuk-frontend.min.css"
if grep -q 'GDS Transport' "$dest/govuk-frontend/govuk-frontend.min.css"; then
  echo "vendor_frontend: the GDS Transport typeface is still referenced" >&2; exit 1
fi
if grep -q 'url(/assets/' "$dest/govuk-frontend/govuk-frontend.min.css"; then
  echo "vendor_frontend: some /assets/ paths were not rewritten" >&2; exit 1
fi
cp "$nm/govuk-frontend/package.json" "$dest/govuk-frontend/package.json"

cp "$nm/htmx.org/dist/htmx.min.js" "$dest/htmx/htmx.min.js"
cp "$nm/htmx.org/LICENSE" "$dest/htmx/LICENSE"

cp "$nm/axe-core/axe.min.js" "$root/tests/e2e/vendor/axe.min.js"
cp "$nm/axe-core/LICENSE" "$root/tests/e2e/vendor/axe-core.LICENSE"

cat > "$dest/VERSIONS" <<V
govuk-frontend ${GOVUK_FRONTEND_VERSION}
htmx.org ${HTMX_VERSION}
axe-core ${AXE_CORE_VERSION} (tests/e2e/vendor)
V
echo "vendored: govuk-frontend ${GOVUK_FRONTEND_VERSION}, htmx ${HTMX_VERSION}, axe-core ${AXE_CORE_VERSION}"
