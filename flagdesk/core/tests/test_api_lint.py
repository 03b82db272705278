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


@pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None,
    reason="Spectral (the NL API Design Rules linter) runs on Node.js, "
    "and node/npm are not installed here",
)
def test_openapi_document_passes_the_nl_api_design_rules() -> None:
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
