"""Read replica routing: public reads go to the streaming replica, everything else to the primary.

Only requests the WSGI wrapper (ReplicaRouting, portal/wsgi.py) marks as public reads may read
from the replica: GET/HEAD on a path MISTO_REPLICA_PATHS matches, from a client that has not
written in the last MISTO_READ_PRIMARY_SECONDS (read-your-own-writes: any other method sets a
short-lived cookie that keeps that client's reads on the primary). Management commands, Celery
tasks and every other request read the primary, as does a public read once it wrote.

The replica is used only while it answers and lags less than MISTO_REPLICA_MAX_LAG_S; its state
is probed at most every MISTO_REPLICA_CHECK_S seconds per process. A public read that failed
(a 5xx) while the replica turned out to be down is answered again from the primary, so stopping
the replica costs no errors. Without DATABASE_REPLICA_URL none of this is installed.
"""

from __future__ import annotations

import contextvars
import logging
import re
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
WROTE_COOKIE = "misto_wrote"
SAFE_METHODS = ("GET", "HEAD")

# True while the current request is a public read that may use the replica.
_public_read: contextvars.ContextVar[bool] = contextvars.ContextVar("misto_public_read", default=False)


@dataclass
class ReplicaState:
    up: bool = False
    lag_s: float | None = None
    checked_at: float = float("-inf")
    error: str = ""


_state = ReplicaState()
_lock = threading.Lock()

# Seconds behind the primary: 0 when everything received is replayed (an idle primary writes
# no new transactions, so the last replay timestamp alone would look like growing lag).
LAG_SQL = """
select pg_is_in_recovery(),
       case when not pg_is_in_recovery() then 0
            when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
            else coalesce(extract(epoch from now() - pg_last_xact_replay_timestamp()), 0)
       end
"""


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_probe(alias: str = REPLICA) -> ReplicaState:
    """Ask the replica how far behind it is and remember the answer; a replica that does not
    answer is recorded as down (and its connection dropped, so the next probe reconnects)."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(LAG_SQL)
            _in_recovery, lag = cursor.fetchone()
        state = ReplicaState(up=True, lag_s=float(lag), checked_at=time.monotonic())
    except Error as exc:  # DatabaseError, and InterfaceError of a connection the server closed
        try:
            connections[alias].close()
        except Error:
            pass  # already gone; the next probe connects afresh
        state = ReplicaState(up=False, checked_at=time.monotonic(), error=str(exc).strip()[:200])
    replica_state_record(state)
    return state


def replica_state_record(state: ReplicaState) -> None:
    global _state
    with _lock:
        _state = state


def replica_state(*, fresh: bool = False) -> ReplicaState:
    """The replica's last known state, probed again when older than MISTO_REPLICA_CHECK_S."""
    state = _state
    if fresh or time.monotonic() - state.checked_at > settings.MISTO_REPLICA_CHECK_S:
        state = replica_probe()
    return state


def replica_usable(state: ReplicaState) -> bool:
    return state.up and state.lag_s is not None and state.lag_s <= settings.MISTO_REPLICA_MAX_LAG_S


def read_alias() -> str:
    """The database this process should read from right now."""
    if not _public_read.get() or not replica_configured():
        return DEFAULT_DB_ALIAS
    return REPLICA if replica_usable(replica_state()) else DEFAULT_DB_ALIAS


def read_connection():
    """The connection for raw SQL reads (tiles): the replica for public reads, else the primary."""
    return connections[read_alias()]


def is_public_read(*, method: str, path: str, cookies: str) -> bool:
    """A request whose reads may be served by the replica."""
    if method not in SAFE_METHODS or f"{WROTE_COOKIE}=" in cookies:
        return False
    return any(re.match(pattern, path) for pattern in settings.MISTO_REPLICA_PATHS)


class ReplicaRouter:
    """Django database router: writes and migrations on the primary, reads per read_alias()."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        if _public_read.get():  # a public page that writes reads its own write afterwards
            _public_read.set(False)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the same database

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaRouting:
    """WSGI wrapper: marks public reads, retries one on the primary if the replica failed it,
    and gives a client that wrote a cookie that keeps its reads on the primary for a while."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        public = is_public_read(
            method=method, path=environ.get("PATH_INFO", ""), cookies=environ.get("HTTP_COOKIE", "")
        )
        if not public:
            if method in SAFE_METHODS or method == "OPTIONS":
                return self.app(environ, start_response)
            return self.app(environ, self._mark_writer(start_response))
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["args"] = (status, headers, exc_info)
            return lambda data: None  # Django never uses write()

        token = _public_read.set(True)
        try:
            body = self.app(environ, capture)
        finally:
            _public_read.reset(token)
        status = captured["args"][0]
        if status[:1] == "5" and not replica_usable(replica_state(fresh=True)):
            log.warning(
                "replica failed %s %s (%s); answered from the primary",
                method,
                environ.get("PATH_INFO"),
                status,
            )
            if hasattr(body, "close"):
                body.close()
            return self.app(environ, start_response)
        start_response(*captured["args"])
        return body

    @staticmethod
    def _mark_writer(start_response):
        seconds = int(settings.MISTO_READ_PRIMARY_SECONDS)
        cookie = f"{WROTE_COOKIE}=1; Max-Age={seconds}; Path=/; HttpOnly; SameSite=Lax"

        def marked(status, headers, exc_info=None):
            return start_response(status, [*headers, ("Set-Cookie", cookie)], exc_info)

        return marked


def replica_report() -> dict:
    """For /healthz: whether the replica answers, its lag and whether reads use it now."""
    state = replica_state(fresh=True)
    report = {
        "status": "ok" if state.up else "down",
        "lag_s": state.lag_s,
        "serving_reads": replica_usable(state),
    }
    if state.error:
        report["detail"] = state.error
    return report
