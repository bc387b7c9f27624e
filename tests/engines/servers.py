"""Throwaway PostgreSQL, Redis and Elasticsearch servers for the test suite.

Each server runs on a free loopback port in a temporary directory and is removed afterwards.
PostgreSQL and Elasticsearch refuse to run as root, so when the suite runs as root (CI) they
are started as an unprivileged system account. The Elasticsearch node gets the test analysis
plugin (elasticsearch/analysis-plugin/pom.xml says why) installed before it starts.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

ELASTICSEARCH_POM = Path(__file__).parent / "elasticsearch" / "pom.xml"
ANALYSIS_PLUGIN_SOURCE = Path(__file__).parent / "elasticsearch" / "analysis-plugin"
PLUGIN_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kollegium"
UNPRIVILEGED_ACCOUNTS = ("postgres", "nobody")
# Generous: on a machine busy with other work a JVM takes minutes to start where it takes
# seconds on a quiet one; a server that is ready returns at once anyway.
START_TIMEOUT_SECONDS = 300
# What a busy node answers for a while before it serves again; the harness's client retries.
TRANSIENT_STATUSES = (429, 502, 503, 504)
TRANSIENT_RETRIES = 10
# What one request may take on a busy machine (an index creation waits for its shards); the
# tests give the application's client the same patience through ELASTICSEARCH_TIMEOUT.
REQUEST_TIMEOUT_SECONDS = 120
# How long a stopped server may take to shut down cleanly before it is killed.
HALT_TIMEOUT_SECONDS = 60


class EngineUnavailable(RuntimeError):
    """The engine cannot be started on this machine (binary missing, start failed)."""


@dataclass
class ServerProcess:
    """A server command with everything needed to start it again after `halt`."""

    name: str
    command: list[str]
    log_path: Path
    account: pwd.struct_passwd | None = None
    env: dict[str, str] = field(default_factory=dict)
    stop_signal: int = signal.SIGTERM
    cleanup: list[Path] = field(default_factory=list)
    process: subprocess.Popen[bytes] = field(init=False)

    def launch(self) -> None:
        """Start the command; after a `halt` the log continues where it stopped."""
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **self.env},
            user=self.account.pw_uid if self.account else None,
            group=self.account.pw_gid if self.account else None,
            extra_groups=[] if self.account else None,
            start_new_session=True,
        )
        log.close()

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def ensure_running(self) -> None:
        if not self.running:
            raise EngineUnavailable(
                f"{self.name} exited with code {self.process.returncode}:\n{self.log_tail()}"
            )

    def halt(self) -> None:
        """Stop the process and keep its files, as a crash or maintenance would."""
        if self.running:
            self.process.send_signal(self.stop_signal)
            try:
                self.process.wait(timeout=HALT_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def stop(self) -> None:
        """Stop the process for good and remove its files."""
        self.halt()
        for path in self.cleanup:
            shutil.rmtree(path, ignore_errors=True)


@dataclass
class PostgresServer:
    server: ServerProcess
    host: str
    port: int
    user: str
    version: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"


@dataclass
class RedisServer:
    server: ServerProcess
    port: int
    version: str

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


@dataclass
class ElasticsearchServer:
    server: ServerProcess
    port: int
    cluster_name: str
    version: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, request_timeout: float = REQUEST_TIMEOUT_SECONDS) -> Elasticsearch:
        """A client for the harness and the tests' own checks: a busy machine makes the node
        answer 503 (no master yet, shards recovering) or accept connections late for a while,
        so those are retried with patience. The application's own client is left as it is."""
        from elasticsearch import Elasticsearch

        return Elasticsearch(
            self.url,
            request_timeout=request_timeout,
            max_retries=TRANSIENT_RETRIES,
            retry_on_status=TRANSIENT_STATUSES,
            retry_on_timeout=True,
        )

    def wait_until_green(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        """Return once this node has a master and every shard is allocated."""
        _wait_until(
            lambda: _elasticsearch_green(self.port, self.cluster_name),
            self.server,
            timeout,
            stop_on_timeout=False,
        )

    def stop(self) -> None:
        """Take the node down like an outage; its data stays for `start`."""
        self.server.halt()

    def start(self) -> None:
        """Bring a stopped node back with the same command, port and data; returns once the
        cluster is green again (its indexes recovered). Does nothing while it runs."""
        if self.server.running:
            return
        self.server.launch()
        self.wait_until_green()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _unprivileged_account() -> pwd.struct_passwd | None:
    """The account to drop to when running as root; None when already unprivileged."""
    if os.geteuid() != 0:
        return None
    for name in UNPRIVILEGED_ACCOUNTS:
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise EngineUnavailable("running as root and no unprivileged account to start servers as")


def _hand_over(paths: list[Path], account: pwd.struct_passwd | None) -> None:
    """Make the directories usable by the account the server runs as."""
    for path in paths:
        path.mkdir(parents=True, exist_ok=True)
        if account is None:
            continue
        for parent in path.parents:
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o011)
        for root, _dirs, files in os.walk(path):
            os.chown(root, account.pw_uid, account.pw_gid)
            for name in files:
                os.chown(os.path.join(root, name), account.pw_uid, account.pw_gid)


def _spawn(
    name: str,
    command: list[str],
    log_path: Path,
    *,
    account: pwd.struct_passwd | None = None,
    env: dict[str, str] | None = None,
    stop_signal: int = signal.SIGTERM,
) -> ServerProcess:
    server = ServerProcess(
        name=name,
        command=command,
        log_path=log_path,
        account=account,
        env=env or {},
        stop_signal=stop_signal,
    )
    server.launch()
    return server


def _wait_until(
    ready: Callable[[], object],
    server: ServerProcess,
    timeout: float,
    *,
    stop_on_timeout: bool = True,
) -> None:
    """Poll `ready` until it holds; the server exiting meanwhile fails at once."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        server.ensure_running()
        if ready():
            return
        time.sleep(0.25)
    if stop_on_timeout:
        server.stop()
    raise EngineUnavailable(
        f"{server.name} did not become ready in {timeout:.0f} s:\n{server.log_tail()}"
    )


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


# PostgreSQL ---------------------------------------------------------------------------------


def _postgres_bin_dir() -> Path:
    """Debian keeps the server binaries off PATH, under /usr/lib/postgresql/<major>/bin."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if not candidates:
        raise EngineUnavailable("PostgreSQL server binaries (initdb) not found")
    return Path(candidates[-1]).parent


@contextlib.contextmanager
def postgres_server(workdir: Path) -> Iterator[PostgresServer]:
    import psycopg

    bin_dir = _postgres_bin_dir()
    account = _unprivileged_account()
    data_dir, socket_dir = workdir / "data", workdir / "socket"
    _hand_over([workdir, socket_dir], account)
    superuser = "kollegium"
    init = subprocess.run(
        [
            str(bin_dir / "initdb"),
            "--pgdata",
            str(data_dir),
            "--username",
            superuser,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-locale",
            "--no-sync",
        ],
        capture_output=True,
        user=account.pw_uid if account else None,
        group=account.pw_gid if account else None,
        extra_groups=[] if account else None,
        check=False,
    )
    if init.returncode != 0:
        raise EngineUnavailable(f"initdb failed: {init.stderr.decode(errors='replace')}")
    port = free_port()
    server = _spawn(
        "PostgreSQL",
        [
            str(bin_dir / "postgres"),
            "-D",
            str(data_dir),
            "-p",
            str(port),
            "-k",
            str(socket_dir),
            "-c",
            "listen_addresses=127.0.0.1",
            # A throwaway cluster: durability only costs time here.
            "-c",
            "fsync=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "max_connections=200",
        ],
        workdir / "postgres.log",
        account=account,
        stop_signal=signal.SIGINT,
    )
    server.cleanup.append(workdir)
    url = f"postgresql://{superuser}@127.0.0.1:{port}/postgres"

    def accepts_connections() -> bool:
        try:
            with psycopg.connect(url, connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    try:
        _wait_until(accepts_connections, server, START_TIMEOUT_SECONDS)
        with psycopg.connect(url) as connection:
            version = connection.execute("SHOW server_version").fetchone()[0]
        yield PostgresServer(server, "127.0.0.1", port, superuser, version)
    finally:
        server.stop()


# Redis --------------------------------------------------------------------------------------


@contextlib.contextmanager
def redis_server(workdir: Path) -> Iterator[RedisServer]:
    import redis

    binary = shutil.which("redis-server")
    if not binary:
        raise EngineUnavailable("redis-server not found")
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = _spawn(
        "Redis",
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        workdir / "redis.log",
    )
    server.cleanup.append(workdir)
    client = redis.Redis(port=port, socket_connect_timeout=1)
    try:
        _wait_until(lambda: _port_open(port) and client.ping(), server, 30)
        version = client.info("server")["redis_version"]
        yield RedisServer(server, port, version)
    finally:
        client.close()
        server.stop()


# Elasticsearch ------------------------------------------------------------------------------


def elasticsearch_version() -> str:
    namespace = {"m": "http://maven.apache.org/POM/4.0.0"}
    root = ET.parse(ELASTICSEARCH_POM).getroot()
    return root.find("m:properties/m:elasticsearch.version", namespace).text


def _java_home() -> Path:
    if os.environ.get("JAVA_HOME"):
        return Path(os.environ["JAVA_HOME"])
    java = shutil.which("java")
    if not java:
        raise EngineUnavailable("no JDK found (java not on PATH, JAVA_HOME unset)")
    return Path(java).resolve().parent.parent


def _unpack_elasticsearch(target: Path) -> Path:
    """Let Maven fetch the distribution (cached in ~/.m2) and unpack it into `target`."""
    mvn = shutil.which("mvn")
    if not mvn:
        raise EngineUnavailable("Maven (mvn) not found; it fetches the Elasticsearch distribution")
    result = subprocess.run(
        [
            mvn,
            "--batch-mode",
            "--quiet",
            "--file",
            str(ELASTICSEARCH_POM),
            "dependency:unpack-dependencies",
            f"-DoutputDirectory={target}",
            f"-DmarkersDirectory={target}/.markers",
        ],
        capture_output=True,
        check=False,
    )
    home = target / f"elasticsearch-{elasticsearch_version()}"
    if result.returncode != 0 or not (home / "bin" / "elasticsearch").exists():
        output = (result.stdout + result.stderr).decode(errors="replace")[-3000:]
        raise EngineUnavailable(f"Maven could not provide Elasticsearch:\n{output}")
    return home


def _analysis_plugin_zip() -> Path:
    """Build the test analysis plugin (see its pom.xml) once per version of its sources.

    The zip is cached under ~/.cache/kollegium by a hash of the sources; the build runs in a
    temporary copy so the repository never gets a Maven `target/` directory.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in ANALYSIS_PLUGIN_SOURCE.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(ANALYSIS_PLUGIN_SOURCE)).encode())
        digest.update(path.read_bytes())
    cached = PLUGIN_CACHE / f"kollegium-test-analysis-{digest.hexdigest()[:16]}.zip"
    if cached.exists():
        return cached
    mvn = shutil.which("mvn")
    if not mvn:
        raise EngineUnavailable("Maven (mvn) not found; it builds the test analysis plugin")
    with tempfile.TemporaryDirectory(prefix="kollegium-analysis-plugin-") as build_dir:
        source = Path(build_dir) / "analysis-plugin"
        shutil.copytree(ANALYSIS_PLUGIN_SOURCE, source)
        result = subprocess.run(
            [mvn, "--batch-mode", "--quiet", "--file", str(source / "pom.xml"), "package"],
            capture_output=True,
            check=False,
        )
        built = source / "target" / "kollegium-test-analysis-1.zip"
        if result.returncode != 0 or not built.exists():
            output = (result.stdout + result.stderr).decode(errors="replace")[-3000:]
            raise EngineUnavailable(f"Maven could not build the test analysis plugin:\n{output}")
        PLUGIN_CACHE.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.partial")
        shutil.copyfile(built, partial)
        partial.replace(cached)
    return cached


def _install_analysis_plugin(home: Path, java_home: Path) -> None:
    """Give the node the analysis-common components the integ-test distribution lacks.

    The install tool scans the plugin jar for named components (writing named_components.json);
    the scan reads the whole class path and needs more heap than the tool's default.
    """
    result = subprocess.run(
        [
            str(home / "bin" / "elasticsearch-plugin"),
            "install",
            "--batch",
            _analysis_plugin_zip().as_uri(),
        ],
        capture_output=True,
        env={**os.environ, "ES_JAVA_HOME": str(java_home), "CLI_JAVA_OPTS": "-Xmx1g"},
        check=False,
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).decode(errors="replace")[-3000:]
        raise EngineUnavailable(f"Installing the test analysis plugin failed:\n{output}")


def _http_json(url: str, timeout: float = 2) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return json.load(response)
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _elasticsearch_green(port: int, cluster_name: str) -> bool:
    """Whether the node on `port` is ours, has elected itself master and is green.

    The health request itself waits a few seconds for green, so a slow node is not asked
    many times a second. The cluster name proves the answer comes from this run's node and not
    from a server of a parallel run that took the port while the node was stopped. Without a
    master the node answers 503 (master_not_discovered_exception), which counts as not ready.
    """
    health = _http_json(
        f"http://127.0.0.1:{port}/_cluster/health?wait_for_status=green&timeout=5s"
        "&master_timeout=5s",
        timeout=10,
    )
    return (
        health is not None
        and health.get("cluster_name") == cluster_name
        and health.get("status") == "green"
        and not health.get("timed_out", False)
    )


@contextlib.contextmanager
def elasticsearch_server(workdir: Path) -> Iterator[ElasticsearchServer]:
    java_home = _java_home()
    account = _unprivileged_account()
    home = _unpack_elasticsearch(workdir / "dist")
    _install_analysis_plugin(home, java_home)
    config, data, logs, tmp = (workdir / name for name in ("config", "data", "logs", "tmp"))
    shutil.copytree(home / "config", config)
    _hand_over([workdir / "dist", config, data, logs, tmp], account)
    port, transport_port = free_port(), free_port()
    cluster_name = f"kollegium-test-{uuid.uuid4().hex[:12]}"
    server = _spawn(
        "Elasticsearch",
        [
            str(home / "bin" / "elasticsearch"),
            f"-Ecluster.name={cluster_name}",
            "-Ediscovery.type=single-node",
            "-Ehttp.host=127.0.0.1",
            f"-Ehttp.port={port}",
            "-Etransport.host=127.0.0.1",
            f"-Etransport.port={transport_port}",
            f"-Epath.data={data}",
            f"-Epath.logs={logs}",
            "-Expack.security.enabled=false",
            "-Ecluster.routing.allocation.disk.threshold_enabled=false",
            "-Eaction.destructive_requires_name=false",
        ],
        workdir / "elasticsearch.log",
        account=account,
        env={
            "ES_JAVA_HOME": str(java_home),
            "ES_PATH_CONF": str(config),
            "ES_TMPDIR": str(tmp),
            "ES_JAVA_OPTS": "-Xms512m -Xmx512m",
        },
    )
    server.cleanup.append(workdir)
    try:
        _wait_until(lambda: _elasticsearch_green(port, cluster_name), server, START_TIMEOUT_SECONDS)
        nodes = _http_json(
            f"http://127.0.0.1:{port}/_nodes/_local?filter_path=nodes.*.version", timeout=30
        )
        version = next(iter(nodes["nodes"].values()))["version"]
        yield ElasticsearchServer(server, port, cluster_name, version)
    finally:
        server.stop()
