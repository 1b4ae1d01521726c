"""The HTTP/1.1 server: one thread serves each connection (``gateway.connection``).

Owns listening and accepting, and the limits that keep hostile clients from taking the
process down: a cap on concurrent connections (past it the oldest idle connection is
closed to make room, else the newcomer waits in the backlog), survival of ``EMFILE``
and other resource errors on ``accept`` (logged, idle connections closed, retried with
back-off), and the idle and header timeouts each connection applies. Binds 127.0.0.1
and port 0 by default.

Knows HTTP only; the AWS work is the ``app`` callable it is given.
"""

from __future__ import annotations

import errno
import logging
import socket
import threading
import time

from lakestack.gateway.connection import App, Connection

LOG = logging.getLogger(__name__)

__all__ = ["App", "Server", "IDLE_TIMEOUT_S", "HEADER_TIMEOUT_S", "MAX_CONNECTIONS"]

IDLE_TIMEOUT_S = 60.0
"""How long a keep-alive connection may wait for its next request, and a body read stall."""
HEADER_TIMEOUT_S = 20.0
"""How long a client may take to send a request's line and headers once it has begun."""
MAX_CONNECTIONS = 256
"""Connections served at once; past it the oldest idle one is closed or the newcomer waits."""

_ACCEPT_RESOURCE_ERRORS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
_MAX_BACKOFF_S = 1.0


class Server:
    """Serve ``app`` on ``host:port`` with one thread per connection.

    >>> from lakestack.gateway.http import HttpResponse
    >>> s = Server(lambda req: HttpResponse(200, body=b"ok")); s.start()
    >>> import urllib.request
    >>> urllib.request.urlopen(f"http://127.0.0.1:{s.port}/").read()
    b'ok'
    >>> s.shutdown()
    """

    def __init__(
        self,
        app: App,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        idle_timeout: float = IDLE_TIMEOUT_S,
        header_timeout: float = HEADER_TIMEOUT_S,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        self.app = app
        self.idle_timeout = idle_timeout
        self.header_timeout = header_timeout
        self.max_connections = max_connections
        self._sock = socket.create_server((host, port), backlog=1024, reuse_port=False)
        self.host, self.port = self._sock.getsockname()[:2]
        # socket -> [time it went idle, or 0.0 while a request is in hand]
        self._conns: dict[socket.socket, list[float]] = {}
        self._slots = threading.BoundedSemaphore(max_connections)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    @property
    def connections(self) -> int:
        """Connections being served now."""
        with self._lock:
            return len(self._conns)

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread = threading.Thread(
            target=self.serve_forever, name="lakestack-accept", daemon=True
        )
        self._thread.start()

    def serve_forever(self) -> None:
        backoff = 0.0
        while not self._stopping.is_set():
            try:
                conn, addr = self._sock.accept()
            except OSError as exc:
                if self._stopping.is_set():
                    return
                backoff = self._accept_failed(exc, backoff)
                continue
            backoff = 0.0
            if not self._take_slot():
                conn.close()
                return
            self._start_connection(conn, addr[0])

    def _accept_failed(self, exc: OSError, backoff: float) -> float:
        """Log, free what can be freed and wait a little; returns the next back-off."""
        if exc.errno in _ACCEPT_RESOURCE_ERRORS:
            if backoff == 0.0:
                LOG.warning("accept() failed: %s; closing idle connections and retrying", exc)
            self._close_idle()
        elif exc.errno not in (errno.ECONNABORTED, errno.EINTR, errno.EPROTO):
            LOG.error("accept() failed: %s", exc)
        backoff = min(max(backoff * 2, 0.01), _MAX_BACKOFF_S)
        self._stopping.wait(backoff)
        return backoff

    def _take_slot(self) -> bool:
        """Wait for a connection slot, closing idle connections to make room."""
        if self._slots.acquire(blocking=False):
            return True
        while not self._stopping.is_set():
            self._close_idle()
            if self._slots.acquire(timeout=0.2):
                return True
        return False

    def _close_idle(self) -> None:
        """Close the connection that has waited longest for its next request."""
        with self._lock:
            idle = [(mark[0], conn, mark) for conn, mark in self._conns.items() if mark[0]]
            if not idle:
                return
            _, oldest, mark = min(idle, key=lambda item: item[0])
            mark[0] = 0.0
        try:
            oldest.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _start_connection(self, conn: socket.socket, remote: str) -> None:
        idle = [time.monotonic()]  # a connection that has sent nothing yet is idle
        with self._lock:
            self._conns[conn] = idle
        try:
            threading.Thread(
                target=self._serve_connection,
                args=(conn, remote, idle),
                name="lakestack-conn",
                daemon=True,
            ).start()
        except RuntimeError as exc:  # no thread to be had: refuse this one, keep serving
            LOG.warning("cannot start a connection thread: %s", exc)
            self._forget(conn)
            conn.close()

    def _forget(self, conn: socket.socket) -> None:
        with self._lock:
            self._conns.pop(conn, None)
        self._slots.release()

    def shutdown(self) -> None:
        self._stopping.set()
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- one connection -------------------------------------------------------------
    def _serve_connection(self, conn: socket.socket, remote: str, idle: list[float]) -> None:
        connection: Connection | None = None
        try:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connection = Connection(self, conn, remote, idle)
            connection.serve()
        except OSError:
            pass
        except Exception:  # the last line of defence: a connection never takes the server down
            LOG.exception("error serving a connection from %s", remote)
        finally:
            self._forget(conn)
            try:
                if connection is not None:
                    connection.rfile.close()
                conn.close()
            except OSError:
                pass
