# SPDX-License-Identifier: EUPL-1.2
"""The OpenAPI document passes the official NL API Design Rules linter (Spectral)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "apilint.sh"


@pytest.mark.node
def test_openapi_document_passes_the_nl_api_design_rules() -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        # Spectral (the linter) runs on Node.js; a missing Node.js fails, never skips.
        pytest.fail("node and npm are needed: apt-get install nodejs npm", pytrace=False)
    flagdesk = Path(sys.executable).with_name("flagdesk")
    result = subprocess.run(
        [str(SCRIPT)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "FLAGDESK": str(flagdesk)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
