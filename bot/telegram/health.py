"""/healthz, /readyz and /metrics for load balancers and Prometheus (tornado, which PTB's
webhook server is built on and its `webhooks` extra brings).

* /healthz: 200 while the process's event loop answers (a liveness probe; restart if not);
* /readyz: 200 when the database answers and its schema is not behind this code, else 503
  with the reason (the proxy stops sending updates to the replica until it is ready again);
* /metrics: bot.telegram.metrics in Prometheus' text format.
In webhook mode the routes join PTB's webhook server (one port to open); in polling mode they
are served on HEALTH_PORT when it is set.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import tornado.netutil
import tornado.web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from tornado.httpserver import HTTPServer

from bot.telegram import metrics
from storage.db import session_factory
from storage.migrate import current_revision, head_revision, known_revisions

log = logging.getLogger(__name__)

# Where build_application leaves the engine for the probes (application.bot_data).
ENGINE_KEY = "engine"
# A probe must answer even when the database hangs: this long at most.
PROBE_TIMEOUT = 3.0


async def readiness(engine: AsyncEngine) -> str | None:
    """None when ready; else one line saying why not."""
    try:
        async with asyncio.timeout(PROBE_TIMEOUT):
            revision = await current_revision(engine)
    except (SQLAlchemyError, OSError, TimeoutError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines() or [type(exc).__name__]
        return f"database unavailable: {reason[0] or type(exc).__name__}"
    head = head_revision()
    # Behind this code: not ready. Ahead (a rolling upgrade migrated first): the old code still
    # works on it, since migrations stay compatible one release back (docs/operations.md).
    if revision is None or (revision != head and revision in known_revisions()):
        return (
            f"database schema at {revision or 'none'}, this code needs {head}: "
            "run `ita-followup db upgrade`"
        )
    return None


class _Healthz(tornado.web.RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("ok\n")


class _Readyz(tornado.web.RequestHandler):
    def initialize(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def get(self) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        why = await readiness(self.engine)
        if why is not None:
            self.set_status(503)
        self.finish(f"{why or 'ready'}\n")


class _Metrics(tornado.web.RequestHandler):
    def initialize(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def get(self) -> None:
        try:
            async with asyncio.timeout(PROBE_TIMEOUT):
                body = await metrics.exposition(session_factory(self.engine))
        except (SQLAlchemyError, OSError, TimeoutError):
            # The in-memory figures still count; the database's are left as last read.
            body = generate_latest(metrics.REGISTRY)
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.finish(body)


def routes(engine: AsyncEngine) -> list[Any]:
    """The three routes, for a tornado Application (ours or PTB's webhook app)."""
    kwargs = {"engine": engine}
    return [
        (r"/healthz", _Healthz),
        (r"/readyz", _Readyz, kwargs),
        (r"/metrics", _Metrics, kwargs),
    ]


def attach(application: object, engine: AsyncEngine) -> bool:
    """Add the routes to the Application's running webhook server (PTB 22's tornado app);
    False if it is not running or PTB's internals have changed."""
    httpd = getattr(getattr(application, "updater", None), "_httpd", None)
    webhook_app = getattr(getattr(httpd, "_http_server", None), "request_callback", None)
    if not isinstance(webhook_app, tornado.web.Application):
        return False
    webhook_app.add_handlers(r".*", routes(engine))
    return True


class HealthServer:
    """The three routes on a port of their own (polling mode, or if the webhook app is closed)."""

    def __init__(self, engine: AsyncEngine, listen: str, port: int) -> None:
        self.listen, self.port = listen, port
        self._server = HTTPServer(tornado.web.Application(routes(engine)))

    async def start(self) -> None:
        """Listen (on the running loop); port 0 picks a free one, read back in `port`."""
        sockets = tornado.netutil.bind_sockets(self.port, address=self.listen)
        self._server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        log.info("health and metrics on http://%s:%s/readyz", self.listen, self.port)

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        self._server.stop()
        await self._server.close_all_connections()
