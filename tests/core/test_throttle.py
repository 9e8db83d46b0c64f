"""lib.throttle: exact counts per window, one cache operation per attempt within a window."""

import pytest
from django.core.cache import cache

from eprocedures.lib import throttle
from eprocedures.lib.throttle import Throttle
from tests.concurrency import in_parallel


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(throttle.time, "time", lambda: now[0])
    return now


def test_hits_are_counted_and_the_limit_reached_exactly(clock):
    limiter = Throttle("test", limit=3, window=60)
    assert [limiter.hit("198.51.100.7") for _ in range(4)] == [1, 2, 3, 4]
    assert limiter.count("198.51.100.7") == 4
    assert limiter.is_limited("198.51.100.7")
    assert not limiter.is_limited("198.51.100.8")
    limiter.hit("198.51.100.8")
    assert limiter.count("198.51.100.8") == 1


def test_a_new_window_starts_from_one(clock):
    limiter = Throttle("test", limit=3, window=60)
    for _ in range(3):
        limiter.hit("198.51.100.7")
    clock[0] += 60

    assert not limiter.is_limited("198.51.100.7")
    assert limiter.hit("198.51.100.7") == 1


def test_within_a_window_an_attempt_costs_one_cache_operation(clock, monkeypatch):
    limiter = Throttle("test", limit=3, window=60)
    limiter.hit("198.51.100.7")
    calls = []
    for name in ("get", "add", "incr", "set"):
        real = getattr(cache, name)
        monkeypatch.setattr(cache, name, lambda *a, _n=name, _r=real, **k: (
            calls.append(_n), _r(*a, **k))[1])

    assert limiter.hit("198.51.100.7") == 2
    assert calls == ["incr"]


def test_a_counter_that_vanishes_between_operations_restarts_at_one(clock, monkeypatch):
    limiter = Throttle("test", limit=3, window=60)
    # Another instance created the counter (add fails) and it expired before incr.
    monkeypatch.setattr(cache, "add", lambda *a, **k: False)

    assert limiter.hit("198.51.100.7") == 1
    assert limiter.count("198.51.100.7") == 1


def test_parallel_hits_are_all_counted(clock):
    limiter = Throttle("test", limit=1000, window=60)

    def attempt(_):
        for _ in range(10):
            limiter.hit("198.51.100.7")

    in_parallel(attempt, range(20))

    assert limiter.count("198.51.100.7") == 200


def test_reset_forgets_the_window(clock):
    limiter = Throttle("test", limit=1, window=60)
    limiter.hit("198.51.100.7")
    limiter.reset("198.51.100.7")
    assert not limiter.is_limited("198.51.100.7")
