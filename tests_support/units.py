# SPDX-License-Identifier: EUPL-1.2
"""``systemctl`` for a machine without systemd (a CI container), for the deployment check.

Starts an installed unit the way systemd would, as far as FlagDesk's units need it: its
``ExecStart`` (``%i``, ``%%``, ``$VAR``, ``${VAR}`` and ``$$`` expanded) as ``User=`` and
``Group=`` with that user's groups, the environment from each ``EnvironmentFile=`` read by
systemd's rules (flagdesk/core/envfile.py; a ``-`` prefix makes one optional),
``WorkingDirectory=`` and ``UMask=``. ``Type=notify`` waits until gunicorn's port answers,
``Type=oneshot`` until the command ends (then ``ExecStartPost=``). Sandboxing options
(``ProtectSystem=`` …) are not emulated. nginx is started or reloaded with the umask of its
drop-ins. Process ids are kept in a state directory so that ``stop_all`` ends them all.

Command line: ``python -m tests_support.units STATE_DIR systemctl-arguments…``.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from flagdesk.core import envfile

UNITS = Path("/etc/systemd/system")
NGINX = "/usr/sbin/nginx"
NGINX_PID = Path("/run/nginx.pid")
BASE_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "LANG": "C.UTF-8",
}
START_SECONDS = 90


class UnitFailedError(RuntimeError):
    """The unit's process ended (or never answered); the message holds its output."""


@dataclass
class Unit:
    name: str
    service: dict[str, list[str]] = field(default_factory=dict)

    def one(self, key: str, default: str = "") -> str:
        return self.service.get(key, [default])[-1]


def load(name: str) -> Unit:
    """``flagdesk-worker@1`` → /etc/systemd/system/flagdesk-worker@.service with %i = 1."""
    base, _, instance = name.removesuffix(".service").partition("@")
    path = UNITS / (f"{base}@.service" if instance else f"{base}.service")
    unit = Unit(name)
    section = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        if section == "Service":
            value = value.strip().replace("%i", instance).replace("%%", "%")
            unit.service.setdefault(key.strip(), []).append(value)
    return unit


def environment(unit: Unit) -> dict[str, str]:
    env = dict(BASE_ENV)
    for entry in unit.service.get("EnvironmentFile", []):
        optional, path = entry.startswith("-"), Path(entry.lstrip("-"))
        if optional and not path.exists():
            continue
        parsed = envfile.parse(path.read_text(encoding="utf-8"))
        env.update(parsed.values)
    user = unit.one("User", "root")
    env.update(USER=user, LOGNAME=user, HOME=pwd.getpwnam(user).pw_dir)
    return env


def command(line: str, env: dict[str, str]) -> list[str]:
    """systemd's ExecStart expansion: a lone ``$VAR`` becomes its words, ``${VAR}`` one."""
    words: list[str] = []
    for word in shlex.split(line.lstrip("-@+!")):
        whole = re.fullmatch(r"\$(\w+)", word)
        if whole:
            words += env.get(whole.group(1), "").split()
            continue
        word = re.sub(r"\$\{(\w+)\}", lambda m: env.get(m.group(1), ""), word)
        words.append(word.replace("$$", "$"))
    return words


def _spawn(unit: Unit, line: str, state: Path) -> subprocess.Popen[bytes]:
    env = environment(unit)
    user = pwd.getpwnam(unit.one("User", "root"))
    group = grp.getgrnam(unit.one("Group", grp.getgrgid(user.pw_gid).gr_name)).gr_gid
    log = (state / f"{unit.name}.log").open("ab")
    return subprocess.Popen(  # noqa: S603 - the installed unit's own command line
        command(line, env),
        env=env,
        cwd=unit.one("WorkingDirectory", "/"),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        user=user.pw_uid,
        group=group,
        extra_groups=os.getgrouplist(user.pw_name, group),
        umask=int(unit.one("UMask", "0022"), 8),
    )


def start(name: str, state: Path) -> subprocess.Popen[bytes] | None:
    """Start ``name`` as systemd would; its process, when one keeps running."""
    if name.endswith((".target", ".timer")):
        return None  # nothing runs: the target groups units, the timer fires at night
    if name in ("nginx", "nginx.service"):
        _nginx_start()
        return None
    unit = load(name)
    kind = unit.one("Type", "simple")
    process = _spawn(unit, unit.one("ExecStart"), state)
    if kind == "oneshot":
        if process.wait() != 0:
            raise UnitFailedError(output(name, state))
        for post in unit.service.get("ExecStartPost", []):
            subprocess.run(command(post, environment(unit)), check=True)  # noqa: S603
        return None
    (state / f"{name}.pid").write_text(str(process.pid), encoding="utf-8")
    _wait_until_started(name, process, kind, state)
    return process


def _wait_until_started(
    name: str, process: subprocess.Popen[bytes], kind: str, state: Path
) -> None:
    deadline = time.monotonic() + (START_SECONDS if kind == "notify" else 3)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise UnitFailedError(f"{name} exited with {process.returncode}\n{output(name, state)}")
        if kind == "notify" and _answers(*_gunicorn_bind()):
            return
        time.sleep(0.2)
    if kind == "notify":
        raise UnitFailedError(f"{name} did not answer in {START_SECONDS} s\n{output(name, state)}")


def _gunicorn_bind() -> tuple[str, int]:
    conf = Path("/etc/flagdesk/gunicorn.conf.py").read_text(encoding="utf-8")
    found = re.search(r'bind = \["([\d.]+):(\d+)"\]', conf)
    assert found, "no bind in /etc/flagdesk/gunicorn.conf.py"
    return found.group(1), int(found.group(2))


def _answers(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
        return True
    return False


def output(name: str, state: Path) -> str:
    log = state / f"{name}.log"
    return log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""


def stop(name: str, state: Path) -> None:
    pid_file = state / f"{name}.pid"
    if not pid_file.exists():
        return
    pid = int(pid_file.read_text(encoding="utf-8"))
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
        for _ in range(300):  # TimeoutStopSec: a worker finishes the send at hand
            if not _alive(pid):
                break
            time.sleep(0.1)
        else:
            os.killpg(pid, signal.SIGKILL)
    pid_file.unlink()


def _alive(pid: int) -> bool:
    """Running, not a zombie nobody has reaped yet (its starter has exited)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return False
    return status.rsplit(")", 1)[1].split()[0] != "Z"


def stop_all(state: Path) -> None:
    for pid_file in state.glob("*.pid"):
        stop(pid_file.name.removesuffix(".pid"), state)
    if (state / "nginx-started").exists():
        subprocess.run([NGINX, "-s", "stop"], check=False, capture_output=True)  # noqa: S603
        for _ in range(100):
            if not NGINX_PID.exists():
                break
            time.sleep(0.1)
        (state / "nginx-started").unlink()


def _nginx_running() -> bool:
    if not NGINX_PID.exists():
        return False
    with contextlib.suppress(ValueError, ProcessLookupError, PermissionError):
        os.kill(int(NGINX_PID.read_text(encoding="utf-8").strip()), 0)
        return True
    return False


def _nginx_umask() -> int:
    umask = 0o022
    for drop_in in sorted((UNITS / "nginx.service.d").glob("*.conf")):
        found = re.search(r"^UMask=(\d+)$", drop_in.read_text(encoding="utf-8"), flags=re.M)
        if found:
            umask = int(found.group(1), 8)
    return umask


def _nginx_start() -> None:
    subprocess.run([NGINX], check=True, umask=_nginx_umask())  # noqa: S603


def _nginx(action: str, state: Path) -> None:
    if action in ("restart", "stop") and _nginx_running():
        subprocess.run([NGINX, "-s", "stop"], check=True)  # noqa: S603
        for _ in range(100):
            if not _nginx_running():
                break
            time.sleep(0.1)
    if action == "stop":
        return
    if action == "reload" and _nginx_running():
        subprocess.run([NGINX, "-s", "reload"], check=True)  # noqa: S603
        return
    _nginx_start()
    (state / "nginx-started").touch()


def systemctl(args: list[str], state: Path) -> None:
    action, *rest = args
    names = [name for name in rest if not name.startswith("-")]
    if action == "daemon-reload":
        return
    if names and names[0] in ("nginx", "nginx.service"):
        _nginx(action, state)
        return
    if action == "enable" and "--now" not in rest:
        return
    for name in names:
        if action in ("stop", "restart"):
            stop(name, state)
        if action in ("start", "restart", "enable"):
            start(name, state)


if __name__ == "__main__":
    state_dir = Path(sys.argv[1])
    state_dir.mkdir(parents=True, exist_ok=True)
    try:
        systemctl(sys.argv[2:], state_dir)
    except UnitFailedError as failed:
        print(failed, file=sys.stderr)
        sys.exit(1)
