"""Serving the product in one process with its task queue (``ketnoi demo``), stopping cleanly.

Ctrl+C (SIGINT) and SIGTERM (systemd, ``kill``) both stop it within a few seconds: the web server
finishes the requests in flight and closes, then the queue's workers finish the task they are running
(up to ``STOP_TIMEOUT`` seconds) and stop. Tasks still waiting stay in the queue's store for the next
start; nothing is dropped.

Huey's consumer installs its own signal handlers when it runs in the foreground (``ketnoi worker``).
Here it runs beside the web server, so its handlers would swallow the signal in a flag no loop reads
(which is why Ctrl+C did not stop the demo): this module keeps the signals for itself.
"""

from __future__ import annotations

import logging
import signal
from types import FrameType
from typing import Any

log = logging.getLogger(__name__)

STOP_TIMEOUT = 5  # seconds a running task may take to finish when the server stops


def _consumer() -> Any:
    from huey.consumer import Consumer
    from huey.contrib.djhuey import HUEY

    class BesideTheServer(Consumer):
        def _set_signal_handlers(self) -> None:
            """The server process owns SIGINT and SIGTERM (see the module's docstring)."""

    return BesideTheServer(
        HUEY, workers=2, worker_type="thread", periodic=True, shutdown_timeout=STOP_TIMEOUT
    )


def _stop(signum: int, frame: FrameType | None) -> None:
    # waitress stops its loop on KeyboardInterrupt and lets the requests in flight finish.
    raise KeyboardInterrupt


def serve_with_queue(*, host: str, port: int, queue: bool = True) -> None:
    """Serve the WSGI application with waitress (and the task queue) until SIGINT or SIGTERM."""
    from waitress import serve

    from ketnoi.wsgi import application

    consumer = _consumer() if queue else None
    if consumer is not None:
        consumer.start()
    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        serve(application, host=host, port=port, threads=8, ident="ketnoi")
    except KeyboardInterrupt:
        pass  # raised between the loop's turns: the same clean stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if consumer is not None:
            log.info("Stopping the task queue")
            consumer.stop(graceful=True)
            consumer.huey.notify_interrupted_tasks()
