# SPDX-License-Identifier: EUPL-1.2
"""Structured logs: every line from every logger goes through structlog's ProcessorFormatter.

``json`` writes one JSON object per line (production: a log shipper can read it); ``console``
writes readable lines (development). Context bound with :func:`bind` (the request id in the
web process) or :func:`bind_process` (the worker id, for all threads of a worker) is added
to every line.

Never log personal data: contact names, e-mail bodies, signal text, query strings. Log ids.
Tracebacks are plain (no local variables), since locals can hold exactly that data.
"""

from __future__ import annotations

import inspect
import logging
import logging.config
import sys
from typing import Any

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

FORMATS = ("json", "console")

# Context that holds for the whole process, whatever the thread (the worker's id): contextvars
# don't reach threads started before or after binding, so this is a plain dict.
_process_context: dict[str, Any] = {}


def bind_process(**values: Any) -> None:
    """Add ``values`` to every log line this process writes from now on, in any thread."""
    _process_context.update(values)


def _add_process_context(_logger: WrappedLogger, _name: str, event: EventDict) -> EventDict:
    for key, value in _process_context.items():
        event.setdefault(key, value)
    return event


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        _add_process_context,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def formatter(fmt: str) -> structlog.stdlib.ProcessorFormatter:
    """The stdlib formatter that renders records (ours and foreign ones) as ``fmt``."""
    renderer: Processor
    if fmt == "json":
        renderer = structlog.processors.JSONRenderer()
        last: list[Processor] = [structlog.processors.format_exc_info, renderer]
    else:
        renderer = structlog.dev.ConsoleRenderer(
            colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
        last = [renderer]
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared_processors(),
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *last],
    )


class OneLineWarning(logging.Filter):
    """A record that needs no traceback: a warning on one line, its message cut short.

    Django logs a request with an unknown Host header (scanners, misdirected DNS) as an ERROR
    with the full traceback of DisallowedHost; it is the client's mistake, not ours.
    """

    MAX_CHARS = 300

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage().splitlines()[0] if record.getMessage() else ""
        record.msg, record.args = message[: self.MAX_CHARS], None
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class ExpectedRefusal(logging.Filter):
    """A 403 is a refusal we chose (PermissionDenied raised on purpose): one warning line.

    Django's ``django.request`` logs it with the exception attached, which the console renders
    as a traceback per refused click; other statuses (a 500) keep their traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


def logging_settings(fmt: str, level: str) -> dict[str, Any]:
    """Django's LOGGING: our loggers at ``level``, Django's and the rest at WARNING/INFO."""
    if fmt not in FORMATS:
        raise ValueError(f"FLAGDESK_LOG_FORMAT must be one of {', '.join(FORMATS)}, not {fmt!r}")
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structlog": {"()": formatter, "fmt": fmt}},
        "filters": {
            "one_line": {"()": OneLineWarning},
            "expected_refusal": {"()": ExpectedRefusal},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "structlog"},
            "null": {"class": "logging.NullHandler"},
        },
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {
            "flagdesk": {"level": level},
            "django": {"level": "INFO"},
            # Never below INFO: at DEBUG it would log SQL with its parameters.
            "django.db.backends": {"level": "INFO"},
            # A refused request (403) is expected: one line, no traceback.
            "django.request": {"filters": ["expected_refusal"]},
            # runserver's access log holds query strings; flagdesk.request logs every request.
            "django.server": {"handlers": ["null"], "propagate": False},
            # An unknown Host: one line, not a traceback per scanner request.
            "django.security.DisallowedHost": {"filters": ["one_line"]},
        },
    }


def configure(config: dict[str, Any]) -> None:
    """Django's LOGGING_CONFIG: apply ``config`` and route structlog through stdlib logging."""
    logging.config.dictConfig(config)
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def get_logger(name: str) -> Any:
    return structlog.stdlib.get_logger(name)


# --- worker tasks: the task id and the ids it was given, on every line it logs ------------


def _task_ids(task_result: Any) -> dict[str, int]:
    """The task's arguments named ``*_id`` (tasks take primary keys, never personal data)."""
    try:
        bound = inspect.signature(task_result.task.func).bind(
            *task_result.args, **task_result.kwargs
        )
    except (TypeError, ValueError):
        return {}
    return {
        name: value
        for name, value in bound.arguments.items()
        if name.endswith("_id") and isinstance(value, int)
    }


def _task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    structlog.contextvars.bind_contextvars(
        task_id=str(task_result.id), task=task_result.task.name, **_task_ids(task_result)
    )


def _task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    get_logger("flagdesk.worker").info("task finished", status=str(task_result.status))
    structlog.contextvars.clear_contextvars()


def bind_worker(worker_id: str) -> None:
    """Called by ``flagdesk worker``: its id on every line, the task's ids on a task's lines."""
    # The signals django-tasks-db sends (django_tasks' own, or Django's from 6.0 on).
    from django_tasks_db.compat import task_finished, task_started

    bind_process(worker_id=worker_id)
    task_started.connect(_task_started, dispatch_uid="flagdesk-log-task-started")
    task_finished.connect(_task_finished, dispatch_uid="flagdesk-log-task-finished")
