"""Celery beat that is safe to start on every host (DESIGN §9, docs/deployment.md).

django-celery-beat's DatabaseScheduler sends each due task once per running beat: two hosts each
running beat would send every scheduled job twice. This scheduler sends only while it holds a
leader lease in Redis (SET NX with an expiry, renewed on every tick); the other beats wait and take
over within `LEASE_SECONDS` if the leader stops. Without Redis (tasks in-process) there is one
process and no lease.
"""

import logging
import os
import socket
import uuid

import redis
from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)

LEASE_KEY = "boundaries:beat:leader"
LEASE_SECONDS = 30

# Renew only if the lease is still ours: a check and a renewal in one step.
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""


class SingleLeaderScheduler(DatabaseScheduler):
    """Send due tasks only from the beat that holds the leader lease."""

    def __init__(self, *args, **kwargs):
        self._token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"
        self._redis = redis.Redis.from_url(settings.REDIS_URL) if settings.REDIS_URL else None
        self._leading = False
        super().__init__(*args, **kwargs)

    def _hold_lease(self) -> bool:
        if self._redis is None:
            return True
        ttl_ms = LEASE_SECONDS * 1000
        try:
            held = bool(self._redis.eval(_RENEW, 1, LEASE_KEY, self._token, ttl_ms)) or bool(
                self._redis.set(LEASE_KEY, self._token, nx=True, px=ttl_ms)
            )
        except redis.RedisError as exc:
            logger.warning("beat: Redis did not answer (%s); not sending until it does", type(exc).__name__)
            held = False
        if held != self._leading:
            logger.warning("beat: %s", "this beat now sends the schedule" if held else "another beat sends it")
            self._leading = held
        return held

    def tick(self, *args, **kwargs):
        if not self._hold_lease():
            return min(self.max_interval, LEASE_SECONDS / 3)
        return super().tick(*args, **kwargs)
