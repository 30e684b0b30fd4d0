"""Django's Redis cache, made to fail soft: when Redis stops answering, a read is a miss and a
write is skipped, with a warning, instead of an error page.

Sessions (cached_db) then read and write the database alone. When a "fallback" cache is
configured (the database's, in production), every operation Redis cannot answer goes to it, so
the login rate limits keep counting across processes during the outage; without one they count
nothing until Redis is back. Both come back by themselves when Redis answers again.

What one store missed is never read from it again (with a fallback only). An outage is often a
partition or timeouts, not a restart: Redis keeps what it held, and a write it could not take
(a session closed, a user's scopes forgotten, a figures version renewed) leaves there the entry
of before, which it would serve again once it answers. So every key carries an *epoch*, one
token per store kept in the fallback (the database, shared by every process):

- the Redis epoch is renewed by a process whose Redis write (set, add, delete, incr, touch,
  clear…) fails, before the write goes to the fallback: nothing Redis held before is read again;
- the fallback's epoch is renewed by a process that Redis answers again after failing it: what
  the fallback took during this outage, and missed since, is not read in the next one.

A process re-reads both tokens at most every CACHE_EPOCH_CHECK_SECONDS (settings, 2 s by
default; a query on the database's cache table), and at once when an operation of its own fails.
The window: a process that renews an epoch uses the new one at once; the others within that
period. Entries of an old epoch are never read again and expire by their timeout. The hot path
keeps its Redis round trips; the keys only get longer. Without a fallback nothing is kept apart
and the behaviour is the plain one above (development).
"""

import logging
import secrets
import threading
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import DatabaseError, connections, router, transaction
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
OUTAGE = (RedisConnectionError, RedisTimeoutError, OSError)
# The tokens' keys in the fallback (never under an epoch themselves).
REDIS_EPOCH, FALLBACK_EPOCH = "pial:cache:epoch:redis", "pial:cache:epoch:fallback"


def _warn(operation: str, error: Exception) -> None:
    logger.warning("Cache Redis injoignable (%s) : %s", operation, type(error).__name__)


def _fallback():
    from django.core.cache import caches

    return caches["fallback"] if "fallback" in settings.CACHES else None


_UNSET = object()


def _token() -> str:
    return secrets.token_hex(6)


class _Epochs:
    """The process's copy of the two tokens (shared by its threads; a cache object is per thread)."""

    def __init__(self):
        self.redis = self.fallback = ""
        self.checked = float("-inf")  # time.monotonic() of the last read
        self.failing = False  # the last Redis operation failed
        self.lock = threading.Lock()

    def due(self) -> bool:
        return time.monotonic() - self.checked >= settings.CACHE_EPOCH_CHECK_SECONDS

    def read(self, fallback) -> None:
        try:
            found = _read_tokens(fallback)
        except DatabaseError as error:  # the cache table not made yet (a first `migrate`), the database down
            logger.warning("Époques du cache illisibles dans le cache de repli : %s", type(error).__name__)
            self.checked = time.monotonic()  # kept as they are (shared by all: "" at first); read again later
            return
        for key in (REDIS_EPOCH, FALLBACK_EPOCH):
            if key in found:
                self._adopt(key, found[key])
            else:  # never written, or culled: a new one, never an old one again
                self._adopt(key, _token())
                _publish(fallback, lambda key=key: self._adopt(key, _added(fallback, key)))
        self.checked = time.monotonic()

    def renew(self, fallback, key: str) -> None:
        """A new token now for this process, and a new one for all once the writing transaction
        commits (drawn then: a token published is newer than every entry stored under it)."""
        self._adopt(key, _token())

        def publish():
            token = _token()
            fallback.set(key, token, None)
            self._adopt(key, token)

        _publish(fallback, publish)

    def _adopt(self, key: str, token: str) -> None:
        if key == REDIS_EPOCH:
            self.redis = token
        else:
            self.fallback = token


def _read_tokens(fallback) -> dict:
    """The two tokens from the fallback; for the database's, inside a savepoint, so that a table not
    made yet fails this read alone, not the caller's transaction (a migration's, on PostgreSQL)."""
    keys = [REDIS_EPOCH, FALLBACK_EPOCH]
    if isinstance(fallback, DatabaseCache):
        with transaction.atomic(using=router.db_for_read(fallback.cache_model_class)):
            return fallback.get_many(keys)
    return fallback.get_many(keys)


def _added(fallback, key: str) -> str:
    token = _token()
    fallback.add(key, token, None)
    return fallback.get(key) or token


def _publish(fallback, write) -> None:
    """`write` to the database's cache once the request's transaction commits (at once outside
    one): inside it, the epoch's row would stay locked until the end of the request, and every
    other request renewing it would wait for that one. Until the commit the other processes read
    as before, as they read the rows not committed yet; so may this one after its next read, and
    after a rollback (nothing changed) it stays on the published token."""
    if isinstance(fallback, DatabaseCache):
        alias = router.db_for_write(fallback.cache_model_class)
        if connections[alias].in_atomic_block:
            transaction.on_commit(write, using=alias)
            return
    write()


_EPOCHS: dict[tuple, _Epochs] = {}
_EPOCHS_LOCK = threading.Lock()


class _ReusedClient(RedisCacheClient):
    """Django's client builds a new redis.Redis around the shared connection pool at every
    operation (≈ 0.09 ms of CPU, half of a GET's); one per pool serves them all (it is
    thread-safe: each command takes a connection from the pool)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClient
        self._server_name = server if isinstance(server, str) else ",".join(server)
        # Per object (a thread's); a change of CACHES makes new objects.
        self._fallback_cache, self._shared = _UNSET, None

    # --- epochs (only with a fallback) -----------------------------------------------------------

    def _fallback(self):
        if self._fallback_cache is _UNSET:
            self._fallback_cache = _fallback()
        return self._fallback_cache

    def _epochs(self, fallback) -> _Epochs:
        """This configuration's tokens, read again when due."""
        epochs = self._shared
        if epochs is None:
            identity = (self._server_name, self.key_prefix, settings.CACHES["fallback"].get("LOCATION"),
                        fallback.key_prefix)
            with _EPOCHS_LOCK:
                epochs = self._shared = _EPOCHS.setdefault(identity, _Epochs())
        if epochs.due():
            with epochs.lock:
                if epochs.due():
                    epochs.read(fallback)
        return epochs

    def make_key(self, key, version=None):
        epochs = self._shared
        if epochs is None or epochs.due():
            fallback = self._fallback()
            if fallback is None:
                return super().make_key(key, version)
            epochs = self._epochs(fallback)
        epoch = epochs.redis
        prefix = f"{self.key_prefix}:{epoch}" if self.key_prefix else epoch
        return self.key_func(key, prefix, self.version if version is None else version)

    def _answered(self) -> None:
        """Redis answered: back from an outage, the fallback's entries of this one are left behind."""
        epochs = self._shared  # set by make_key when there is a fallback
        if epochs is not None and epochs.failing:
            fallback = self._fallback()
            if fallback is not None:
                with epochs.lock:
                    if epochs.failing:
                        epochs.failing = False
                        epochs.renew(fallback, FALLBACK_EPOCH)

    def _soft(self, operation: str, error: Exception, args: tuple, version, default, *, write: bool):
        """The operation on the fallback (under its epoch), or `default` without one."""
        _warn(operation, error)
        fallback = self._fallback()
        if fallback is None:
            return default
        epochs = self._epochs(fallback)
        with epochs.lock:
            if not epochs.failing:  # an outage begins: the tokens as they are now
                epochs.failing = True
                epochs.read(fallback)
            if write:  # Redis missed it: what it holds is never read again
                epochs.renew(fallback, REDIS_EPOCH)
        version = f"{epochs.fallback}.{fallback.version if version is None else version}"
        return getattr(fallback, operation)(*args, version=version)

    # --- operations ------------------------------------------------------------------------------

    def get(self, key, default=None, version=None):
        try:
            value = super().get(key, default, version)
        except OUTAGE as error:
            return self._soft("get", error, (key, default), version, default, write=False)
        self._answered()
        return value

    def get_many(self, keys, version=None):
        try:
            found = super().get_many(keys, version)
        except OUTAGE as error:
            return self._soft("get_many", error, (keys,), version, {}, write=False)
        self._answered()
        return found

    def has_key(self, key, version=None):
        try:
            found = super().has_key(key, version)
        except OUTAGE as error:
            return self._soft("has_key", error, (key,), version, False, write=False)
        self._answered()
        return found

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            added = super().add(key, value, timeout, version)
        except OUTAGE as error:
            return self._soft("add", error, (key, value, timeout), version, False, write=True)
        self._answered()
        return added

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except OUTAGE as error:
            self._soft("set", error, (key, value, timeout), version, None, write=True)
            return
        self._answered()

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            failed = super().set_many(data, timeout, version)
        except OUTAGE as error:
            return self._soft("set_many", error, (data, timeout), version, list(data), write=True)
        self._answered()
        return failed

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            touched = super().touch(key, timeout, version)
        except OUTAGE as error:
            return self._soft("touch", error, (key, timeout), version, False, write=True)
        self._answered()
        return touched

    def delete(self, key, version=None):
        try:
            deleted = super().delete(key, version)
        except OUTAGE as error:
            return self._soft("delete", error, (key,), version, False, write=True)
        self._answered()
        return deleted

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except OUTAGE as error:
            self._soft("delete_many", error, (keys,), version, None, write=True)
            return
        self._answered()

    def incr(self, key, delta=1, version=None):
        try:
            value = super().incr(key, delta, version)
        except OUTAGE as error:
            return self._soft("incr", error, (key, delta), version, delta, write=True)
        self._answered()
        return value

    def clear(self):
        try:
            cleared = super().clear()
        except OUTAGE as error:
            _warn("clear", error)
            fallback = self._fallback()
            if fallback is not None:  # the Redis epoch renewed is a clear of what it holds
                epochs = self._epochs(fallback)
                with epochs.lock:
                    epochs.failing = True
                    epochs.renew(fallback, REDIS_EPOCH)
                return fallback.clear()
            return None
        self._answered()
        return cleared
