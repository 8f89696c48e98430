"""What the durable work queues share (pending evaluations, the outbox): the result of one
attempt, claim tokens, and exponential backoff with jitter."""

from __future__ import annotations

import random
from dataclasses import dataclass

# Random rather than a counter, so that one statement can set it on every database (an
# "increment on conflict" is not expressible portably).
_TOKEN_BITS = 62


@dataclass(frozen=True)
class Attempt:
    """What one attempt at a piece of work did: ``outcome`` is one of its module's constants;
    ``retry_in`` is the delay before the next try, when there is one."""

    outcome: str
    detail: str = ""
    retry_in: float | None = None


def new_token() -> int:
    return random.getrandbits(_TOKEN_BITS)


def backoff_seconds(attempts: int, *, base: float, cap: float, factor: float) -> float:
    """``base * factor**(attempts-1)``, capped, with +-20 % jitter so that the retries of many
    pieces of work that failed together (a host, the grades service) do not return together."""
    delay = min(cap, base * factor ** max(0, attempts - 1))
    return delay * random.uniform(0.8, 1.2)
