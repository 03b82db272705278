#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Lint the OpenAPI document of /api/v1 with the official NL API Design Rules (Spectral).
# Exit 0 when there are no errors. Spectral is installed once into $HOME/.cache/spectral.
set -euo pipefail

cd "$(dirname "$0")/.."
SPECTRAL_HOME="${SPECTRAL_HOME:-$HOME/.cache/spectral}"
SPECTRAL="$SPECTRAL_HOME/node_modules/.bin/spectral"
FLAGDESK="${FLAGDESK:-.venv/bin/flagdesk}"

mkdir -p var
"$FLAGDESK" spectacular --format openapi-json --file var/openapi.json --fail-on-warn

if [ ! -x "$SPECTRAL" ]; then
    command -v npm >/dev/null || { echo "apilint: npm is needed to install Spectral" >&2; exit 3; }
    npm install --prefix "$SPECTRAL_HOME" --no-audit --no-fund @stoplight/spectral-cli >&2
fi

"$SPECTRAL" lint -r scripts/nl-api-design-rules.yaml var/openapi.json --fail-severity=error
