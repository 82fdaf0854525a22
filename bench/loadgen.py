"""Closed-loop HTTP load at fixed concurrency: requests/s and latency percentiles of one run."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx


class LoadError(Exception):
    """The system under load answered with an error; its figures would mean nothing."""


@dataclass(frozen=True)
class RunResult:
    """One timed run of one request against one system."""

    requests: int
    seconds: float
    latencies: list[float]  # seconds, one per request
    # Share of one core the load generator itself used; near 1.0 means it was the bottleneck.
    client_cpu: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        """Nearest-rank percentile, in seconds."""
        ordered = sorted(self.latencies)
        if not ordered:
            return math.nan
        return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def response_error(response: httpx.Response) -> str | None:
    """Why a response does not count as an answer, or None when it does."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:300]}"
    # A key, not text: inside a JSON string a quote is escaped, so this cannot match a title.
    if b'"errors"' in response.content:
        return response.text[:300]
    return None


async def run_load(
    *,
    url: str,
    body: bytes,
    concurrency: int,
    warmup: float,
    duration: float,
    min_requests: int,
    max_duration: float,
) -> RunResult:
    """Warm up, then time `concurrency` workers that each send the same request in a loop.

    The timed part lasts `duration` seconds, longer if fewer than `min_requests` completed (so
    that slow workloads still give a p99 worth reading), never longer than `max_duration`.
    Raises LoadError at the first error response.
    """
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"content-type": "application/json", "accept": "application/json"}
    async with httpx.AsyncClient(limits=limits, timeout=120.0, headers=headers) as client:
        await _loop(client, url, body, concurrency, stop=lambda _done, elapsed: elapsed >= warmup)

        def stop(done: int, elapsed: float) -> bool:
            return elapsed >= max_duration or (elapsed >= duration and done >= min_requests)

        latencies: list[float] = []
        cpu_started = time.process_time()
        started = time.perf_counter()
        await _loop(client, url, body, concurrency, stop=stop, latencies=latencies)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    return RunResult(
        requests=len(latencies),
        seconds=seconds,
        latencies=latencies,
        client_cpu=cpu / seconds if seconds else 0.0,
    )


async def _loop(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    concurrency: int,
    *,
    stop: Callable[[int, float], bool],
    latencies: list[float] | None = None,
) -> None:
    started = time.perf_counter()
    done = 0

    async def worker() -> None:
        nonlocal done
        while not stop(done, time.perf_counter() - started):
            sent = time.perf_counter()
            response = await client.post(url, content=body)
            elapsed = time.perf_counter() - sent
            problem = response_error(response)
            if problem is not None:
                raise LoadError(problem)
            done += 1
            if latencies is not None:
                latencies.append(elapsed)

    # A task group cancels the other workers as soon as one meets an error.
    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(concurrency):
                group.create_task(worker())
    except ExceptionGroup as failed:
        raise failed.exceptions[0] from None
