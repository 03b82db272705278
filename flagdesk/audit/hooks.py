# SPDX-License-Identifier: EUPL-1.2
"""Who hears of a new audit event: a registry that higher apps fill.

``audit`` imports only ``core``, yet apps above it react to what was logged (the
notifications app turns events into notifications). Such an app registers a subscriber in
its ``AppConfig.ready()``; ``service.log_many`` calls every subscriber with the events it
has just written, inside the same transaction, so what a subscriber writes commits or rolls
back with the change itself. A subscriber must be cheap for the events it ignores.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flagdesk.audit.models import AuditEvent

Subscriber = Callable[[Sequence[AuditEvent]], None]
# name -> function; a name registered twice (a test, a reloaded app) replaces its entry.
_subscribers: dict[str, Subscriber] = {}


def subscribe(name: str, subscriber: Subscriber) -> None:
    """Call ``subscriber`` with every batch of events written from now on."""
    _subscribers[name] = subscriber


def announce(events: Sequence[AuditEvent]) -> None:
    """Hand freshly written events to every subscriber (called by ``service.log_many``)."""
    for subscriber in list(_subscribers.values()):
        subscriber(events)
