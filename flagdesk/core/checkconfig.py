# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk check-config [--env-file PATH]`` and ``flagdesk secret-key``.

Both run before Django loads the settings (flagdesk/cli.py), so they work when the settings
are what is broken. check-config reads the file as systemd does (flagdesk/core/envfile.py),
evaluates FlagDesk's settings with exactly that environment in a separate process — as the
units would start — and prints what every setting resolved to, secrets masked.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from flagdesk.core import envfile

CHECK_HELP = (
    "Read an environment file exactly as systemd's EnvironmentFile does (comments only on "
    "lines of their own, quotes, backslash continuations), evaluate FlagDesk's settings with "
    "it and print what each setting resolved to, secrets masked. Exits 1 on any error."
)
NEW_KEY_HELP = (
    "Make a new random secret key (FLAGDESK_SECRET_KEY) and write it to FILE, mode 0640, "
    "refusing to overwrite one; without --out, print it."
)
# What systemd gives a service besides its EnvironmentFile (a clean environment).
_SYSTEMD_BASE = ("PATH", "LANG", "HOME", "USER", "LOGNAME", "SHELL", "TZ")


def check_config(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="flagdesk check-config", description=CHECK_HELP)
    parser.add_argument("--env-file", help="e.g. /etc/flagdesk/env; default: this environment")
    args = parser.parse_args(argv)
    problems: list[str] = []
    environment = dict(os.environ)
    if args.env_file:
        try:
            text = Path(args.env_file).read_text(encoding="utf-8")
        except OSError as unreadable:
            print(f"{args.env_file}: {unreadable.strerror}", file=sys.stderr)
            return 1
        parsed = envfile.parse(text)
        problems += [f"{args.env_file}: {problem}" for problem in parsed.problems]
        base = {k: v for k, v in os.environ.items() if k in _SYSTEMD_BASE}
        environment = {**base, **parsed.values}
    report = _resolve(environment)
    problems += report["errors"]
    _print_settings(report)
    for problem in problems:
        print(f"ERROR {problem}", file=sys.stderr)
    print("configuration: " + ("ok" if not problems else f"{len(problems)} error(s)"))
    return 1 if problems else 0


def _resolve(environment: dict[str, str]) -> dict:
    """Evaluate the settings in a fresh process with ``environment`` and nothing else."""
    completed = subprocess.run(
        [sys.executable, "-m", "flagdesk.core.checkconfig"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        return {"settings": [], "errors": [f"the settings did not load: {completed.stderr}"]}
    return json.loads(completed.stdout)


def _print_settings(report: dict) -> None:
    for row in report["settings"]:
        origin = "set" if row["set"] else "default"
        print(f"{row['name']:<45} {row['value']}  ({origin})")


def _evaluate() -> dict:
    """In the child: load the settings without side effects and describe every variable."""
    from flagdesk.core import env

    env.DRY_RUN = True
    importlib.import_module("flagdesk.settings")
    rows = []
    for name, variable in sorted(env.REGISTRY.items()):
        value = env.RESOLVED.get(name)
        is_set = name in os.environ or f"{name}_FILE" in os.environ
        rows.append({"name": name, "value": _shown(variable.secret, value), "set": is_set})
    unknown = sorted(
        name
        for name in os.environ
        if name.startswith("FLAGDESK_")
        and name not in env.REGISTRY
        and name.removesuffix("_FILE") not in env.REGISTRY
    )
    errors = [
        *env.ERRORS,
        *(f"{name}: no such setting (docs/configuration.md)" for name in unknown),
    ]
    return {"settings": rows, "errors": errors, "startup_errors": list(env.ERRORS)}


def startup_errors() -> list[str]:
    """What would stop FlagDesk from starting with this process's environment (gunicorn's
    master asks before it boots a worker; deploy/gunicorn.conf.py)."""
    report = _resolve(dict(os.environ))
    return report.get("startup_errors", report["errors"])


def _shown(secret: bool, value: object) -> str:
    if value is None or value == "" or value == []:
        return "(none)"
    if secret:
        return "******** (set)"
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return _mask_url_password(text)


def _mask_url_password(text: str) -> str:
    """DATABASE_URL may carry a password; print the URL without it."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    if parts.password:
        return text.replace(f":{parts.password}@", ":********@", 1)
    return text


def secret_key(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="flagdesk secret-key", description=NEW_KEY_HELP)
    parser.add_argument("--out", metavar="FILE", help="e.g. /etc/flagdesk/secret_key")
    args = parser.parse_args(argv)
    key = secrets.token_urlsafe(50)
    if not args.out:
        print(key)
        return 0
    try:
        # O_EXCL: never replace a key in use (that would log everyone out and void tokens).
        descriptor = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    except FileExistsError:
        print(f"{args.out} exists; not replaced", file=sys.stderr)
        return 1
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o640)  # whatever the umask
        handle.write(key + "\n")
    print(f"wrote a new secret key to {args.out} (mode 0640)")
    return 0


if __name__ == "__main__":
    json.dump(_evaluate(), sys.stdout)
