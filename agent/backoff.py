"""Exponential backoff with jitter, for every reconnect loop of the agent.

Jitter matters: when the API or SQS comes back, thousands of agents must not
retry in lockstep.  Each delay is drawn from [d/2, d] with d = min(cap,
base·2^attempt) ("equal jitter"), so it keeps growing yet never exceeds cap.
"""
import random


class Backoff:
    def __init__(self, base: float = 1.0, cap: float = 60.0, rng=random.random):
        if base <= 0 or cap < base:
            raise ValueError("need 0 < base <= cap")
        self.base, self.cap, self._rng = base, cap, rng
        self.attempt = 0

    def ceiling(self, attempt: int) -> float:
        """The upper bound of the delay after ``attempt`` failures (0-based)."""
        return min(self.cap, self.base * 2 ** min(attempt, 62))

    def next(self) -> float:
        d = self.ceiling(self.attempt)
        self.attempt += 1
        return d / 2 + self._rng() * d / 2

    def reset(self) -> None:
        self.attempt = 0
