"""Per-caller leaky buckets of query-cost points: in this process, or in Redis for all workers."""

from __future__ import annotations

import logging
import math
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from schema.settings import ApiSettings

logger = logging.getLogger("pledgegraph.budget")

Clock = Callable[[], float]

# KEYS[1]: the caller's bucket; ARGV: capacity, leak per second, cost, now (seconds).
# Leaks the bucket down to now, then adds the cost if it fits. Returns {fits, level}; the level
# travels as a string because Redis truncates Lua numbers to integers.
_CHARGE = """
local capacity = tonumber(ARGV[1])
local leak = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'level', 'at')
local level = tonumber(state[1]) or 0
local at = tonumber(state[2]) or now
level = math.max(0, level - math.max(0, now - at) * leak)
if level + cost > capacity then
  return {0, tostring(level)}
end
level = level + cost
redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(level / leak) + 1)
return {1, tostring(level)}
"""


@dataclass(frozen=True)
class Charge:
    """The outcome of asking a caller's bucket for room."""

    allowed: bool
    remaining: int  # points left after the charge (now, when refused)
    retry_after: int  # whole seconds until the same charge would fit; 0 when allowed


class Budget(ABC):
    """A leaky bucket per caller: each operation pours its cost in, the bucket drains at a
    steady rate, and an operation that would overflow it is refused."""

    def __init__(self, *, capacity: int, leak_per_second: int, clock: Clock) -> None:
        self.capacity = capacity
        self.leak_per_second = leak_per_second
        self.clock = clock

    async def charge(self, caller: str, cost: int) -> Charge | None:
        """Pour `cost` points into the caller's bucket if they fit (0 only reads the bucket);
        None when the store cannot answer, so the operation goes ahead unmetered."""
        outcome = await self._pour(caller, cost, self.clock())
        if outcome is None:
            return None
        fits, level = outcome
        return Charge(
            allowed=fits,
            remaining=max(0, math.floor(self.capacity - level)),
            retry_after=0
            if fits
            else max(1, math.ceil((level + cost - self.capacity) / self.leak_per_second)),
        )

    @abstractmethod
    async def _pour(self, caller: str, cost: int, now: float) -> tuple[bool, float] | None:
        """Leak the bucket down to `now`, add the cost if it fits: (fits, level after)."""

    @abstractmethod
    async def close(self) -> None:
        """Release what the store holds open."""


class MemoryBudget(Budget):
    """Buckets in this process: each worker has its own."""

    def __init__(
        self, *, capacity: int, leak_per_second: int, clock: Clock = time.monotonic
    ) -> None:
        super().__init__(capacity=capacity, leak_per_second=leak_per_second, clock=clock)
        self._buckets: dict[str, tuple[float, float]] = {}  # caller -> (level, at)
        self._sweep_at = 1024

    async def _pour(self, caller: str, cost: int, now: float) -> tuple[bool, float]:
        # No await in here: on one event loop the read and the write cannot interleave.
        level = self._level(caller, now)
        fits = level + cost <= self.capacity
        if fits and cost:
            level += cost
            self._buckets[caller] = (level, now)
        if len(self._buckets) >= self._sweep_at:
            self._forget_empty(now)
        return fits, level

    async def close(self) -> None:
        self._buckets.clear()

    def _level(self, caller: str, now: float) -> float:
        level, at = self._buckets.get(caller, (0.0, now))
        return max(0.0, level - max(0.0, now - at) * self.leak_per_second)

    def _forget_empty(self, now: float) -> None:
        """Drop drained buckets, so one bucket per address ever seen does not pile up."""
        for caller in [c for c in self._buckets if self._level(c, now) == 0]:
            del self._buckets[caller]
        self._sweep_at = max(1024, 2 * len(self._buckets))


class RedisBudget(Budget):
    """Buckets in Redis, shared by every worker that uses the same Redis and key prefix; each
    charge is one atomic script, and an idle bucket expires once it has drained."""

    def __init__(
        self,
        client: Redis,
        *,
        prefix: str,
        capacity: int,
        leak_per_second: int,
        clock: Clock = time.time,  # shared by processes, so wall-clock time
    ) -> None:
        super().__init__(capacity=capacity, leak_per_second=leak_per_second, clock=clock)
        self.client = client
        self.prefix = prefix
        self._script = client.register_script(_CHARGE)

    async def _pour(self, caller: str, cost: int, now: float) -> tuple[bool, float] | None:
        arguments: list[str | int] = [self.capacity, self.leak_per_second, cost, repr(now)]
        try:
            fits, level = await self._script(keys=[self.prefix + caller], args=arguments)
        except (RedisError, OSError):
            # An outage of the budget store must not take the API down with it.
            logger.exception("budget store unavailable; operation not metered")
            return None
        return bool(fits), float(level)

    async def close(self) -> None:
        await self.client.aclose()


def budget_for(settings: ApiSettings) -> Budget:
    """The budget store the settings ask for: Redis when REDIS_URL is set."""
    if settings.redis_url:
        client = Redis.from_url(settings.redis_url, socket_timeout=1.0, socket_connect_timeout=1.0)
        return RedisBudget(
            client,
            prefix=f"{settings.redis_key_prefix}budget:",
            capacity=settings.budget_capacity,
            leak_per_second=settings.budget_leak_per_second,
        )
    return MemoryBudget(
        capacity=settings.budget_capacity, leak_per_second=settings.budget_leak_per_second
    )
