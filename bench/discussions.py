"""Benchmark: live delivery of discussion messages over real websockets.

One Daphne process serves the real ASGI application on a fresh SQLite database; N signed-in
clients (the `websockets` library, over TCP on loopback) open one channel; one of them posts M
messages at a fixed rate through the socket. Reports delivery latency p50/p99 (post sent →
message.new received), delivered messages per second, losses, and the Daphne process's memory
per open connection, with the in-memory layer and with Redis. The same scenario against a
minimal broadcast server written with bare `websockets` gives the floor.

    make bench
    python -m bench.discussions --clients 50 200 --messages 200 --rate 20
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import websockets

from tests.engines.servers import EngineUnavailable, redis_server

BODY = re.compile(r"bench (\d+)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def prepare_database(members: int) -> tuple[int, list[str]]:
    """Members with sessions and one open channel they all joined; returns channel and cookies."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from hub.discussions.models import Membership
    from hub.discussions.services import channel_create
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
def daphne(env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - a fixed command line
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "hub.asgi:application",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.2)
        yield f"127.0.0.1:{port}", process
    finally:
        process.terminate()
        process.wait(10)


async def kollegium_scenario(
    address: str, pid: int, channel: int, cookies: list[str], messages: int, rate: float
) -> dict[str, float]:
    idle_before = rss_kib(pid)
    sockets = []
    for cookie in cookies:
        connection = await websockets.connect(
            f"ws://{address}/ws/live/",
            origin=f"http://{address}",
            additional_headers={"Cookie": cookie},
            max_queue=None,
        )
        sockets.append(connection)
    await asyncio.sleep(1)
    idle_after = rss_kib(pid)
    for connection in sockets:
        await connection.send(json.dumps({"type": "channel.open", "channel": channel}))
    return await measure(
        sockets,
        lambda number: json.dumps(
            {"type": "message.post", "channel": channel, "body": f"bench {number}"}
        ),
        lambda event: event.get("type") == "message.new",
        messages,
        rate,
        (idle_after - idle_before) / len(sockets),
    )


async def measure(sockets, frame, is_delivery, messages: int, rate: float, kib_per_socket: float):
    sent_at: dict[int, float] = {}
    latencies: list[float] = []
    received = [0]

    async def listen(connection) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in connection:
                event = json.loads(raw)
                if not is_delivery(event):
                    continue
                match = BODY.search(json.dumps(event))
                if match and int(match.group(1)) in sent_at:
                    latencies.append(time.perf_counter() - sent_at[int(match.group(1))])
                    received[0] += 1

    listeners = [asyncio.create_task(listen(connection)) for connection in sockets]
    # Let presence and subscriptions settle before measuring.
    await asyncio.sleep(2 + len(sockets) / 100)
    started = time.perf_counter()
    for number in range(messages):
        sent_at[number] = time.perf_counter()
        await sockets[0].send(frame(number))
        await asyncio.sleep(max(0.0, started + (number + 1) / rate - time.perf_counter()))
    expected = messages * len(sockets)
    deadline = time.perf_counter() + 30
    while received[0] < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    for task in listeners:
        task.cancel()
    for connection in sockets:
        await connection.close()
    return {
        "p50": percentile(latencies, 0.5) * 1000 if latencies else float("nan"),
        "p99": percentile(latencies, 0.99) * 1000 if latencies else float("nan"),
        "per_second": received[0] / elapsed,
        "lost": expected - received[0],
        "kib": kib_per_socket,
    }


async def floor_scenario(clients: int, messages: int, rate: float) -> dict[str, float]:
    """A minimal broadcast server with bare `websockets`: every frame goes to every client."""
    connected: set = set()

    async def handler(connection) -> None:
        connected.add(connection)
        try:
            async for frame in connection:
                websockets.broadcast(connected, json.dumps({"type": "message.new", "text": frame}))
        finally:
            connected.discard(connection)

    async with websockets.serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        sockets = [
            await websockets.connect(f"ws://127.0.0.1:{port}", max_queue=None)
            for _ in range(clients)
        ]
        return await measure(
            sockets,
            lambda number: f"bench {number}",
            lambda event: event.get("type") == "message.new",
            messages,
            rate,
            float("nan"),
        )


@contextlib.contextmanager
def redis_url(workdir: Path) -> Iterator[str]:
    with redis_server(workdir / "redis") as server:
        yield server.url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--rate", type=float, default=20.0, help="messages per second")
    args = parser.parse_args()
    logging.getLogger("websockets").setLevel(logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="kollegium-bench-") as tmp:
        os.environ.update(
            KOLLEGIUM_VAR_DIR=tmp,
            DJANGO_SETTINGS_MODULE="hub.settings.dev",
            DEBUG="false",
            DISCUSSIONS_POST_RATE_COUNT="1000000",
        )
        channel, cookies = prepare_database(max(args.clients))
        print(f"\n{args.messages} Nachrichten mit {args.rate:g}/s an N Clients in einem Kanal")
        print(
            f"{'Aufbau':<22}{'N':>5}{'p50 ms':>9}{'p99 ms':>9}{'zugestellt/s':>14}"
            f"{'verloren':>10}{'KiB/Verb.':>11}"
        )
        rows = []
        layers = [("In-Memory-Layer", None), ("Redis-Layer", "redis")]
        for label, layer in layers:
            with contextlib.ExitStack() as stack:
                env = dict(os.environ)
                if layer == "redis":
                    try:
                        env["REDIS_URL"] = stack.enter_context(redis_url(Path(tmp)))
                    except EngineUnavailable as error:
                        print(f"{label}: nicht gemessen ({error})")
                        continue
                for clients in args.clients:
                    address, process = stack.enter_context(daphne(env))
                    result = asyncio.run(
                        kollegium_scenario(
                            address,
                            process.pid,
                            channel,
                            cookies[:clients],
                            args.messages,
                            args.rate,
                        )
                    )
                    rows.append((label, clients, result))
                    print_row(label, clients, result)
        for clients in args.clients:
            result = asyncio.run(floor_scenario(clients, args.messages, args.rate))
            print_row("websockets (Boden)", clients, result)
            for label, n, measured in rows:
                if n == clients and result["p99"] > 0:
                    ratio = measured["p99"] / result["p99"]
                    print(f"{'':<22}{'':>5}  p99-Verhältnis {label}: {ratio:.1f}×")


def print_row(label: str, clients: int, result: dict[str, float]) -> None:
    print(
        f"{label:<22}{clients:>5}{result['p50']:>9.1f}{result['p99']:>9.1f}"
        f"{result['per_second']:>14.0f}{result['lost']:>10}{result['kib']:>11.1f}"
    )


if __name__ == "__main__":
    main()
