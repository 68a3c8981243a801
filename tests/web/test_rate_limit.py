"""The rate limit: per client address, forgets idle addresses, bounded memory, says when to retry."""

from __future__ import annotations

import asyncio

from starlette.testclient import TestClient

from tests.fixtures import MakeClient
from web.middleware import RateLimitMiddleware, RequestRefusedError


class Clock:
    """Time for the limiter, moved by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _accept(scope: dict, receive: object, send: object) -> None:
    pass  # the app behind the limiter: accepting is all it does


def _post(limiter: RateLimitMiddleware, address: str) -> bool:
    """One POST from ``address``: True when let through, False when refused with 429."""
    scope = {"type": "http", "method": "POST", "path": "/x", "headers": [], "client": (address, 1)}
    try:
        asyncio.run(limiter(scope, None, None))  # type: ignore[arg-type]
    except RequestRefusedError as refusal:
        assert refusal.status_code == 429
        return False
    return True


def test_the_limit_is_per_address_and_recovers() -> None:
    clock = Clock()
    limiter = RateLimitMiddleware(_accept, per_minute=3, clock=clock)
    assert [_post(limiter, "198.51.100.1") for _ in range(4)] == [True, True, True, False]
    assert _post(limiter, "198.51.100.2")  # someone else is not affected
    clock.now += 20  # a third of a minute: room for one more
    assert [_post(limiter, "198.51.100.1") for _ in range(2)] == [True, False]
    clock.now += 60
    assert [_post(limiter, "198.51.100.1") for _ in range(4)] == [True, True, True, False]


def test_idle_addresses_are_forgotten() -> None:
    clock = Clock()
    limiter = RateLimitMiddleware(_accept, per_minute=10, clock=clock)
    for n in range(50):
        _post(limiter, f"198.51.100.{n}")
    clock.now += 61  # a minute later every one of them is back to a full allowance
    _post(limiter, "203.0.113.1")
    assert len(limiter.windows) == 1


def test_the_table_of_addresses_is_bounded() -> None:
    clock = Clock()
    limiter = RateLimitMiddleware(_accept, per_minute=2, clock=clock, max_addresses=100)
    for n in range(5000):  # 5000 addresses inside one second
        _post(limiter, f"10.{n // 65536}.{n // 256 % 256}.{n % 256}")
        clock.now += 0.0002
    assert len(limiter.windows) == 100
    hot = "10.0.19.135"  # the last address seen is still remembered and still limited
    assert [_post(limiter, hot) for _ in range(2)] == [True, False]


def test_ipv6_clients_are_counted_by_their_64_bit_prefix() -> None:
    """One household or host gets a /64; changing the rest of the address is free for it."""
    limiter = RateLimitMiddleware(_accept, per_minute=2, clock=Clock())
    answers = [_post(limiter, f"2001:db8:1:2::{n:x}") for n in range(4)]
    assert answers == [True, True, False, False]
    assert _post(limiter, "2001:db8:1:3::1")


def test_a_refusal_says_when_to_retry(make_client: MakeClient) -> None:
    client = make_client(rate_limit_per_minute=2)
    answers = [client.post("/logout", follow_redirects=False) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [303, 303, 429]
    retry_after = answers[-1].headers["retry-after"]
    assert retry_after.isdigit() and 1 <= int(retry_after) <= 30


def test_htmx_refusals_say_when_to_retry_too(make_client: MakeClient) -> None:
    client: TestClient = make_client(rate_limit_per_minute=1)
    client.post("/logout", follow_redirects=False)
    answer = client.post("/logout", headers={"HX-Request": "true"})
    assert answer.status_code == 429 and int(answer.headers["retry-after"]) >= 1
