"""Fixtures for tests that need a real PostgreSQL or Redis, and the pieces the
background-work tests are built from: a real Celery worker in a subprocess, a private
redis-server the test may stop and start, and an SMTP server that counts what it
receives.

A service fixture skips its test when the service is not configured, and fails it when
the service is configured but does not answer, or when REQUIRE_SERVICES=1 (CI) and it
is not configured: a missing service must never turn into a quiet pass."""

import email
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import kombu.pools
import psycopg
import pytest
import redis
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

BASE_DIR = Path(settings.BASE_DIR)
# The background-work tests use this database of the configured Redis server, and
# flush it first; never the database the application itself is configured with.
TEST_REDIS_DB = 15


def require_service(reason: str) -> None:
    """Skip the test because a service is not configured, or fail it in CI."""
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1 needs every service)")
    pytest.skip(reason)


def wait_until(condition: Callable[[], object], *, timeout: float, message: str) -> None:
    """Poll `condition` until it is true; fail with `message` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout} s: {message}")
        time.sleep(0.05)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The configured Redis (REDIS_URL), checked to answer."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        require_service("REDIS_URL is not set; these tests need a real Redis")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        where = urlsplit(url)._replace(netloc=urlsplit(url).hostname or "").geturl()
        pytest.fail(f"REDIS_URL is set ({where}) but Redis does not answer: {exc}")
    return url


@pytest.fixture(scope="session")
def postgres() -> dict[str, Any]:
    """The configured PostgreSQL (DATABASE_URL), checked to answer."""
    database = settings.DATABASES["default"]
    if not os.environ.get("DATABASE_URL") or "postgresql" not in database["ENGINE"]:
        require_service("DATABASE_URL is not set to PostgreSQL; this test needs PostgreSQL")
    try:
        psycopg.connect(
            host=database["HOST"] or None,
            port=database["PORT"] or None,
            user=database["USER"] or None,
            password=database["PASSWORD"] or None,
            # The server's own database: the project's may not be created yet.
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError as exc:
        pytest.fail(f"DATABASE_URL is set but PostgreSQL does not answer: {exc}")
    return database


def redis_url_with_db(url: str, db: int) -> str:
    """Return the same Redis server's address with another database number."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, ""))


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Point this process's Celery app (what `outbox.dispatch` sends with) at `url`."""
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    _forget_broker_connections()
    try:
        yield
    finally:
        celery_app.conf.broker_url = saved
        _forget_broker_connections()


def _forget_broker_connections() -> None:
    # Celery and kombu build connection and producer pools on first use and keep them;
    # after the broker address changes they must be rebuilt, as after a fork
    # (Celery._after_fork).
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def worker_database_url() -> str:
    """Return a DATABASE_URL for the test database, for a worker in another process."""
    database = connection.settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(database['NAME']).resolve()}"
    if "postgresql" in database["ENGINE"]:
        credentials = quote(database["USER"] or "", safe="")
        if database["PASSWORD"]:
            credentials += ":" + quote(database["PASSWORD"], safe="")
        host = database["HOST"] or "localhost"
        port = f":{database['PORT']}" if database["PORT"] else ""
        return f"postgres://{credentials}@{host}{port}/{database['NAME']}"
    # The project runs on SQLite or PostgreSQL only (DESIGN.md §3).
    pytest.fail(f"Unsupported database engine for a worker: {database['ENGINE']}")


class CeleryWorker:
    """A real `celery -A config worker` in its own process group, logging to a file."""

    def __init__(self, *, broker_url: str, email_url: str, log_path: Path, **env: str) -> None:
        self.log_path = log_path
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "REDIS_URL": broker_url,
            "DATABASE_URL": worker_database_url(),
            "EMAIL_URL": email_url,
            "SITE_URL": "https://steadfast.test",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "CeleryWorker":
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            "--loglevel=INFO", "--pool=prefork", "--concurrency=1",
            f"--hostname=test-{uuid.uuid4().hex[:8]}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own group, so kill() reaches the pool processes too.
                start_new_session=True,
            )
        wait_until(
            lambda: " ready." in self.log() or self.process.poll() is not None,  # type: ignore[union-attr]
            timeout=30,
            message="the Celery worker to start",
        )
        if self.process.poll() is not None:
            pytest.fail(f"The Celery worker exited on start:\n{self.log()}")
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once, as a lost machine would."""
        self._signal(signal.SIGKILL, timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self._signal(signal.SIGTERM, timeout=10)
        self._signal(signal.SIGKILL, timeout=10)

    def _signal(self, signum: int, *, timeout: float) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=timeout)


class RedisServer:
    """A private redis-server on a free port, which a test may stop and start again."""

    def __init__(self, *, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary is not None
        log = (self.directory / "redis.log").open("ab")
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        # A throwaway instance: nothing written to disk.
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        wait_until(self._answers, timeout=10, message=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def _answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.2).ping())
        except redis.ConnectionError:
            return False


@pytest.fixture
def private_redis(redis_url: str, tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of the test's own; the machine's Redis is never stopped."""
    if shutil.which("redis-server") is None:
        require_service("redis-server is not installed; this test starts its own")
    server = RedisServer(directory=tmp_path)
    server.start()
    yield server
    server.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class SmtpSink:
    """An SMTP server on a free port that keeps every message it accepts.

    `stall_next_message()` makes it withhold its answer to the next message until the
    client disconnects, so a test can kill a worker while it is inside the send; that
    message is never accepted, as a mail server would treat it."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.stalled = threading.Event()
        self._stall_next = False
        self._lock = threading.Lock()
        self._server = _SmtpServer(("127.0.0.1", 0), _SmtpHandler)
        self._server.sink = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self._server.server_address[1]}"

    def stall_next_message(self) -> None:
        with self._lock:
            self._stall_next = True

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _accept(self, data: bytes) -> bool:
        with self._lock:
            if self._stall_next:
                self._stall_next = False
                self.stalled.set()
                return False
            self.messages.append(email.message_from_bytes(data))
            return True


class _SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    sink: SmtpSink


class _SmtpHandler(socketserver.StreamRequestHandler):
    server: _SmtpServer

    def handle(self) -> None:
        self._reply(b"220 sink ESMTP")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb in (b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                self._reply(b"250 OK")
            elif verb == b"DATA":
                self._reply(b"354 End data with <CR><LF>.<CR><LF>")
                if not self.server.sink._accept(self._read_data()):
                    # Hold the answer until the client goes away.
                    while self.rfile.readline():
                        pass
                    return
                self._reply(b"250 OK")
            elif verb == b"QUIT":
                self._reply(b"221 Bye")
                return
            else:
                self._reply(b"502 Not implemented")

    def _read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)

    def _reply(self, text: bytes) -> None:
        self.wfile.write(text + b"\r\n")


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    yield sink
    sink.close()
