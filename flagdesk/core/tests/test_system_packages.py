# SPDX-License-Identifier: EUPL-1.2
"""`make test` sets itself up: scripts/system-packages.sh installs what is missing as root,
and without root names the missing packages and stops."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "system-packages.sh"


def run_script(path: str, *, user: str | None = None) -> subprocess.CompletedProcess[str]:
    script = SCRIPT
    if user is not None:
        # A copy beside the bare PATH: the checkout may sit in a directory only its owner
        # can enter (a clone in `mktemp -d`), which the other user could not read.
        script = Path(path) / SCRIPT.name
        shutil.copyfile(SCRIPT, script)
        script.chmod(0o644)
    command = ["/bin/bash", str(script)]
    if user is not None:
        command = ["/usr/sbin/runuser", "-u", user, "--", *command]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=60, check=False, env={"PATH": path}
    )


def bare_path() -> str:
    """A PATH with only the shell tools the script uses, so every checked program is missing.

    Outside pytest's private temp dirs, which the unprivileged user could not enter."""
    bin_dir = Path(tempfile.mkdtemp(prefix="flagdesk-bare-path-"))
    bin_dir.chmod(0o755)
    for tool in ("id", "grep", "ldconfig", "python3"):
        found = shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/sbin")
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    return str(bin_dir)


def test_on_a_complete_machine_it_does_nothing() -> None:
    done = run_script(os.environ["PATH"] + ":/usr/sbin:/sbin")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


@pytest.mark.root
def test_without_root_it_names_what_is_missing_and_stops() -> None:
    if os.geteuid() != 0:
        pytest.fail("needs root to run the script as another user", pytrace=False)
    path = bare_path()
    try:
        done = run_script(path, user="nobody")
    finally:
        shutil.rmtree(path)
    assert done.returncode == 1
    assert "missing" in done.stderr
    for package in ("postgresql", "poppler-utils", "openssl", "nodejs"):
        assert package in done.stderr
    assert "make test-quick" in done.stderr


def test_ci_runs_the_readme_command_and_nothing_else() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [
        line for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    assert commands[-1] == "make test"
    assert "apt-get" not in ci


def test_make_test_installs_the_system_packages_first() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    test_rule = next(line for line in makefile.splitlines() if line.startswith("test:"))
    assert test_rule.split()[1] == "system-packages"
