"""Beat may run on every host; only the holder of the Redis lease sends the schedule (boundaries/beat.py)."""

import pytest
import redis

from boundaries import beat


@pytest.fixture
def two_beats(redis_url):
    client = redis.Redis.from_url(redis_url)
    client.delete(beat.LEASE_KEY)
    beats = []
    for name in ("a", "b"):
        scheduler = object.__new__(beat.SingleLeaderScheduler)  # the lease only, without a schedule
        scheduler._token, scheduler._redis, scheduler._leading = name, client, False
        beats.append(scheduler)
    yield client, beats
    client.delete(beat.LEASE_KEY)


def test_one_beat_leads_the_other_waits_and_takes_over_when_the_lease_lapses(two_beats):
    """JR-07: two beat instances never both send the schedule."""
    client, (first, second) = two_beats
    assert first._hold_lease() is True
    assert second._hold_lease() is False
    assert first._hold_lease() is True  # renewed, still the leader
    assert 0 < client.pttl(beat.LEASE_KEY) <= beat.LEASE_SECONDS * 1000
    client.delete(beat.LEASE_KEY)  # the leader's host stopped and its lease ran out
    assert second._hold_lease() is True
    assert first._hold_lease() is False


def test_without_redis_the_one_beat_always_sends(settings):
    scheduler = object.__new__(beat.SingleLeaderScheduler)
    scheduler._token, scheduler._redis, scheduler._leading = "only", None, False
    assert scheduler._hold_lease() is True
