"""The dashboard under load: ``detente serve`` on a loopback port, a burst of concurrent forecast
requests (distinct seeds, so none is answered from the cache) while a probe asks the cheap
endpoints every 50 ms; latencies, status codes and the server's memory."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import psutil

CHEAP = ("/api/engines", "/api/scenarios", "/api/runs?limit=5")
PROBE_EVERY = 0.05


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(data: Path) -> tuple[subprocess.Popen, str]:
    """``detente serve`` in a child process, once it answers."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "detente", "serve", "--port", str(port), "--data-dir", str(data)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(base + "/api/engines", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


async def _timed(client: httpx.AsyncClient, method: str, path: str, **kw) -> tuple[float, int]:
    start = time.perf_counter()
    try:
        response = await client.request(method, path, **kw)
        status = response.status_code
    except httpx.HTTPError:
        status = 0
    return time.perf_counter() - start, status


async def _burst(base: str, n: int, draws: int, proc: psutil.Process) -> dict:
    limits = httpx.Limits(max_connections=n + 10, max_keepalive_connections=n + 10)
    peak = proc.memory_info().rss
    async with httpx.AsyncClient(base_url=base, timeout=600, limits=limits) as client:
        done = asyncio.Event()
        cheap: list[tuple[float, int]] = []

        async def probe() -> None:
            nonlocal peak
            k = 0
            while not done.is_set():
                cheap.append(await _timed(client, "GET", CHEAP[k % len(CHEAP)]))
                peak = max(peak, proc.memory_info().rss)
                k += 1
                await asyncio.sleep(PROBE_EVERY)

        async def forecast(seed: int) -> tuple[float, int]:
            body = {"draws": draws, "seed": seed}
            return await _timed(client, "POST", "/api/forecast", json=body)

        idle = []
        for k in range(30):
            idle.append(await _timed(client, "GET", CHEAP[k % len(CHEAP)]))
            await asyncio.sleep(PROBE_EVERY)
        prober = asyncio.create_task(probe())
        start = time.perf_counter()
        expensive = await asyncio.gather(*(forecast(1000 + i) for i in range(n)))
        wall = time.perf_counter() - start
        done.set()
        await prober
    return {"idle": idle, "expensive": expensive, "cheap": cheap, "wall": wall, "peak": peak}


def _row(name: str, results: list[tuple[float, int]]) -> str:
    times = np.array([t for t, _ in results]) * 1000
    codes: dict[int, int] = {}
    for _, status in results:
        codes[status] = codes.get(status, 0) + 1
    statuses = ", ".join(f"{c}: {k}" for c, k in sorted(codes.items()))
    return (
        f"| {name} | {len(results)} | {np.percentile(times, 50):,.0f} | "
        f"{np.percentile(times, 95):,.0f} | {times.max():,.0f} | {statuses} |"
    )


def run(quick: bool = False) -> str:
    n, draws = (20, 200) if quick else (200, 2_000)
    with tempfile.TemporaryDirectory() as tmp:
        server, base = start_server(Path(tmp) / "data")
        try:
            proc = psutil.Process(server.pid)
            httpx.post(base + "/api/forecast", json={"draws": 50}, timeout=120)  # warm up
            before = proc.memory_info().rss
            load = os.getloadavg()[0]
            out = asyncio.run(_burst(base, n, draws, proc))
            time.sleep(5)
            after = proc.memory_info().rss
        finally:
            server.terminate()
            server.wait(timeout=30)
    mb = 1024 * 1024
    return "\n".join(
        [
            "## Dashboard under load",
            "",
            f"`detente serve` on 127.0.0.1 (2 forecast workers, queue 256): {n} concurrent "
            f"`POST /api/forecast` of the bundled case ({draws:,} draws, compromise engine, "
            f"distinct seeds) while a probe asks {', '.join(f'`{c}`' for c in CHEAP)} in turn "
            f"every {PROBE_EVERY * 1000:.0f} ms. Times in ms; status 0 is a connection error.",
            "",
            "| requests | n | p50 | p95 | max | status: count |",
            "|---|---:|---:|---:|---:|---|",
            _row("cheap, idle server", out["idle"]),
            _row("cheap, during the burst", out["cheap"]),
            _row("forecast (in the burst)", out["expensive"]),
            "",
            f"Load average (1 min) on the machine when the burst began: {load:.1f} (other "
            "work shares its cores). "
            f"The burst took {out['wall']:.1f} s ({n / out['wall']:.1f} forecasts/s). Server "
            f"memory (RSS): {before / mb:,.0f} MB before the burst, peak {out['peak'] / mb:,.0f}"
            f" MB, {after / mb:,.0f} MB five seconds after it.",
        ]
    )
