"""Per-key cooldowns (one per user, one per channel) with an injectable clock.

discord.py's ``CooldownMapping`` is built for prefix commands and reads the wall clock itself;
this is the few lines we need, testable without sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable


class Cooldown:
    """Allow one event per ``seconds`` per key; ``seconds == 0`` disables the limit."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._until: dict[Hashable, float] = {}

    def retry_after(self, key: Hashable) -> float:
        """Seconds until ``key`` may act again (0 if it may act now)."""
        return max(0.0, self._until.get(key, 0.0) - self._clock())

    def hit(self, key: Hashable) -> None:
        now = self._clock()
        if len(self._until) > 10_000:  # keep memory bounded on a busy server
            self._until = {k: t for k, t in self._until.items() if t > now}
        self._until[key] = now + self.seconds
