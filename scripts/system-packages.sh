#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The Debian packages `make test` needs, installed when missing.
#
# As root it installs them with apt-get; otherwise it names what is missing and stops, so a
# contributor is never left with a suite that fails halfway for want of a program.
# `make test-quick` needs none of them.
set -euo pipefail

need=()
# `make install` makes the virtualenv (Debian splits venv's pip bootstrap off python3).
python3 -c 'import ensurepip' 2>/dev/null || need+=(python3-venv)
# Browser tests (Playwright drives Debian's Chromium, never a downloaded build).
[ -x /usr/bin/chromium ] || need+=(chromium)
# The second run of the suite, and the fault tests' private cluster.
command -v pg_isready >/dev/null || need+=(postgresql)
# IMAP tests start their own Dovecot.
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
# `nginx -t` checks the shipped reverse-proxy config (deploy/nginx).
[ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v openssl >/dev/null || need+=(openssl)
# The deployment check follows docs/deployment.md literally: sudo -u, curl.
command -v sudo >/dev/null || need+=(sudo)
command -v curl >/dev/null || need+=(curl)
# docs/api.md's walkthrough (run by a test) reads the answers with jq.
command -v jq >/dev/null || need+=(jq)
# PDF reports: WeasyPrint's libraries, a font, and pdftotext for the leak tests.
command -v pdftotext >/dev/null || need+=(poppler-utils)
# Read the cache whole before searching it: with pipefail, `ldconfig -p | grep -q` fails when
# grep stops early and ldconfig dies of SIGPIPE, which a large cache makes likely.
libraries=$(ldconfig -p)
grep -q libpangoft2-1.0 <<<"$libraries" || need+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
# The NL API Design Rules linter (Spectral) runs on Node.js.
command -v npm >/dev/null || need+=(nodejs npm)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "make test needs these Debian packages, which are missing: ${need[*]}" >&2
  echo "Install them as root:  apt-get install --no-install-recommends ${need[*]}" >&2
  echo "(or run 'make test-quick', which needs none of them)" >&2
  exit 1
fi

echo "Installing the packages the tests need: ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
