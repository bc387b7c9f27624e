"""Benchmark: live delivery of discussion messages over real websockets.

One Daphne process serves the real ASGI application on a fresh SQLite database; N signed-in
clients (the `websockets` library, over TCP on loopback) open one channel; one of them posts
messages at a fixed rate through the socket. Reports delivery latency p50/p99 (post sent →
message.new received), delivered messages per second, losses, and the Daphne process's memory
per idle connection ("KiB/Verb.": connected, nothing sent; "+Kanal": after every tab opened the
channel and heard of every other, which leaves garbage behind), with the in-memory layer and
with the Redis pub/sub layer. The same scenario against a minimal broadcast server written with
bare `websockets` gives the floor. Server (Daphne, Redis, the floor server) and load (this
process) run pinned to different cores when the machine has two or more.

    make bench
    python -m bench.discussions --scenarios 100:20 500:2 --seconds 10 --layers memory redis
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import websockets

from tests.engines.servers import EngineUnavailable, redis_server

SERVER_CORE, LOAD_CORE = 0, 1
# Settled: no frame for this long and the server idle over it.
QUIET_SECONDS = 1.0
DEFAULT_SCENARIOS = ["100:20", "500:2", "50:20", "200:20", "500:20"]


def pin(pid: int, core: int) -> None:
    """Server and load on different cores; on a single core there is nothing to separate."""
    if (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(pid, {core})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def settle(pid: int, last_frame: list[float]) -> None:
    """Until no frame arrived for a while and the server is idle: the presence exchange after
    opening the channel (every tab hears of every other) is over."""
    while True:
        used = cpu_seconds(pid)
        await asyncio.sleep(QUIET_SECONDS)
        server_idle = cpu_seconds(pid) - used < 0.05 * QUIET_SECONDS
        if server_idle and time.perf_counter() - last_frame[0] >= QUIET_SECONDS:
            return


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def prepare_database(members: int) -> tuple[int, list[str]]:
    """Members with sessions and one open channel they all joined; returns channel and cookies."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from discussions.models import Membership
    from discussions.services.channels import channel_create
    from members.models import Organisation
    from members.services import member_create

    call_command("migrate", verbosity=0)
    organisation = Organisation.objects.create(name="Benchmark-Behörde")
    users = [
        member_create(
            email=f"bench{number}@bench.example",
            password=None,
            first_name="Bench",
            last_name=str(number),
            organisation=organisation,
        )
        for number in range(members)
    ]
    channel = channel_create(creator=users[0], name="Benchmark")
    Membership.objects.bulk_create([Membership(channel=channel, user=user) for user in users[1:]])
    cookies = []
    for user in users:
        client = Client()
        client.force_login(user)
        cookies.append(f"sessionid={client.cookies['sessionid'].value}")
    return channel.pk, cookies


@contextlib.contextmanager
def server_process(arguments: list[str], env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """A Python server on a free port, pinned to the server core: its address and pid."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - a fixed command line
        [sys.executable, *arguments, str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        pin(process.pid, SERVER_CORE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.2)
        yield f"127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.wait(10)


DAPHNE = ["-m", "daphne", "-b", "127.0.0.1", "hub.asgi:application", "-p"]
FLOOR = ["-m", "bench.discussions", "--serve-floor"]


def serve_floor(port: int) -> None:
    """A minimal broadcast server with bare `websockets`: every frame goes to every client."""
    connected: set[Any] = set()

    async def handler(connection: Any) -> None:
        connected.add(connection)
        try:
            async for frame in connection:
                websockets.broadcast(connected, json.dumps({"type": "message.new", "text": frame}))
        finally:
            connected.discard(connection)

    async def serve() -> None:
        async with websockets.serve(handler, "127.0.0.1", port, max_size=None):
            await asyncio.Future()

    asyncio.run(serve())


def kollegium_number(event: dict[str, Any]) -> int | None:
    """Which benchmark message a `message.new` event delivers ("<p>bench 12</p>")."""
    if event.get("type") != "message.new":
        return None
    return int(event["message"]["html"].removeprefix("<p>bench ").removesuffix("</p>"))


def floor_number(event: dict[str, Any]) -> int | None:
    return int(event["text"].removeprefix("bench ")) if event.get("type") == "message.new" else None


class Kollegium:
    """Signed-in tabs on /ws/live/ that open the benchmark channel."""

    number = staticmethod(kollegium_number)

    def __init__(self, channel: int, cookies: list[str]) -> None:
        self.channel = channel
        self.cookies = cookies

    async def connect(self, address: str, clients: int) -> list[Any]:
        return [
            await websockets.connect(
                f"ws://{address}/ws/live/",
                origin=f"http://{address}",
                additional_headers={"Cookie": cookie},
                max_queue=None,
            )
            for cookie in self.cookies[:clients]
        ]

    async def open(self, sockets: list[Any]) -> None:
        for connection in sockets:
            await connection.send(json.dumps({"type": "channel.open", "channel": self.channel}))

    def frame(self, number: int) -> str:
        return json.dumps(
            {"type": "message.post", "channel": self.channel, "body": f"bench {number}"}
        )


class Floor:
    number = staticmethod(floor_number)

    async def connect(self, address: str, clients: int) -> list[Any]:
        return [await websockets.connect(f"ws://{address}", max_queue=None) for _ in range(clients)]

    async def open(self, sockets: list[Any]) -> None:
        return None

    def frame(self, number: int) -> str:
        return f"bench {number}"


async def measure(
    client: Kollegium | Floor, address: str, pid: int, clients: int, rate: float, seconds: float
) -> dict[str, float]:
    """Connect and open the channel, wait for quiet, take the idle memory, then send."""
    # One connection first, not counted: the first one sets up the layer and its client.
    (first,) = await client.connect(address, 1)
    await first.close()
    await asyncio.sleep(0.5)
    before = rss_kib(pid)
    sockets = await client.connect(address, clients)
    sent_at: dict[int, float] = {}
    latencies: list[float] = []
    last_frame = [time.perf_counter()]
    number_of: Callable[[dict[str, Any]], int | None] = client.number

    async def listen(connection: Any) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in connection:
                now = last_frame[0] = time.perf_counter()
                number = number_of(json.loads(raw))
                if number is not None and number in sent_at:
                    latencies.append(now - sent_at[number])

    listeners = [asyncio.create_task(listen(connection)) for connection in sockets]
    await settle(pid, last_frame)
    kib_connected = (rss_kib(pid) - before) / clients
    await client.open(sockets)
    await settle(pid, last_frame)
    kib_open = (rss_kib(pid) - before) / clients
    messages = max(1, round(rate * seconds))
    started = time.perf_counter()
    for number in range(messages):
        sent_at[number] = time.perf_counter()
        await sockets[0].send(client.frame(number))
        await asyncio.sleep(max(0.0, started + (number + 1) / rate - time.perf_counter()))
    expected = messages * clients
    deadline = time.perf_counter() + 30
    while len(latencies) < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    for task in listeners:
        task.cancel()
    for connection in sockets:
        await connection.close()
    return {
        "p50": percentile(latencies, 0.5) * 1000 if latencies else float("nan"),
        "p99": percentile(latencies, 0.99) * 1000 if latencies else float("nan"),
        "per_second": len(latencies) / elapsed,
        "lost": expected - len(latencies),
        "kib": kib_connected,
        "kib_open": kib_open,
    }


def scenario(text: str) -> tuple[int, float]:
    clients, _sep, rate = text.partition(":")
    with contextlib.suppress(ValueError):
        if int(clients) > 0 and float(rate) > 0:
            return int(clients), float(rate)
    raise argparse.ArgumentTypeError(
        f"„{text}“ ist kein Szenario: erwartet wird CLIENTS:NACHRICHTEN_PRO_SEKUNDE "
        "mit positiven Zahlen, z. B. 100:20."
    )


HEADER = (
    f"{'Aufbau':<20}{'N':>5}{'msg/s':>7}{'p50 ms':>9}{'p99 ms':>9}{'zugestellt/s':>14}"
    f"{'verloren':>10}{'KiB/Verb.':>11}{'+Kanal':>8}{'p99/Boden':>11}"
)


def print_row(
    label: str, clients: int, rate: float, result: dict[str, float], floor: float
) -> None:
    ratio = f"{result['p99'] / floor:.1f}×" if floor and label != FLOOR_LABEL else ""
    print(
        f"{label:<20}{clients:>5}{rate:>7g}{result['p50']:>9.1f}{result['p99']:>9.1f}"
        f"{result['per_second']:>14.0f}{result['lost']:>10}{result['kib']:>11.1f}"
        f"{result['kib_open']:>8.1f}{ratio:>11}",
        flush=True,
    )


FLOOR_LABEL = "websockets (Boden)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scenarios",
        type=scenario,
        nargs="+",
        default=[scenario(text) for text in DEFAULT_SCENARIOS],
        metavar="N:RATE",
        help="Clients und Nachrichten pro Sekunde, z. B. 100:20 500:2",
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="Sendedauer je Szenario")
    parser.add_argument(
        "--layers", nargs="+", default=["memory", "redis"], choices=["memory", "redis"]
    )
    parser.add_argument("--serve-floor", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_floor:
        serve_floor(args.serve_floor)
        return
    logging.getLogger("websockets").setLevel(logging.WARNING)
    pin(0, LOAD_CORE)

    with tempfile.TemporaryDirectory(prefix="kollegium-bench-") as tmp:
        os.environ.update(
            KOLLEGIUM_VAR_DIR=tmp,
            DJANGO_SETTINGS_MODULE="hub.settings.dev",
            DEBUG="false",
            DISCUSSIONS_POST_RATE_COUNT="1000000",
            # As in production: new messages wait for a deferred search-index batch (queued,
            # for a worker this benchmark does not run) instead of being indexed in-process.
            TASKS_BACKEND="database",
        )
        channel, cookies = prepare_database(max(clients for clients, _rate in args.scenarios))
        kollegium = Kollegium(channel, cookies)
        print(
            f"\nLast vorher (1/5/15 min): {' '.join(f'{load:.2f}' for load in os.getloadavg())}; "
            f"{args.seconds:g} s senden je Szenario, Server auf Kern {SERVER_CORE}, Last auf "
            f"Kern {LOAD_CORE}"
        )
        print(HEADER)
        floors: dict[tuple[int, float], float] = {}
        for clients, rate in args.scenarios:
            with server_process(FLOOR, dict(os.environ)) as (address, pid):
                result = asyncio.run(measure(Floor(), address, pid, clients, rate, args.seconds))
            floors[clients, rate] = result["p99"]
            print_row(FLOOR_LABEL, clients, rate, result, 0)
        for layer in args.layers:
            with contextlib.ExitStack() as stack:
                env = dict(os.environ)
                label = "In-Memory-Layer"
                if layer == "redis":
                    label = "Redis-Pub/Sub-Layer"
                    try:
                        redis = stack.enter_context(redis_server(Path(tmp) / "redis"))
                    except EngineUnavailable as error:
                        print(f"{label}: nicht gemessen ({error})")
                        continue
                    pin(redis.server.process.pid, SERVER_CORE)
                    env["REDIS_URL"] = redis.url
                for clients, rate in args.scenarios:
                    with server_process(DAPHNE, env) as (address, pid):
                        result = asyncio.run(
                            measure(kollegium, address, pid, clients, rate, args.seconds)
                        )
                    print_row(label, clients, rate, result, floors[clients, rate])
        print(f"Last nachher: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")


if __name__ == "__main__":
    main()
