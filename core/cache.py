"""Data that is the same for everyone who asks (risk bands, the risk scale's words, policy extracts, a
rules table), kept in each web process so a page does not read it again on every request.

    bands = shared_data("cases.risk_bands", lambda: list(RiskBand.objects.all()), models=[RiskBand])

The value is dropped in this process as soon as a row of any model in `models` is saved or deleted
(and again when that transaction commits), and in other processes after `seconds` at the latest
(default 60): a change made in one process reaches every page within a minute. Store plain values
(lists of rows, dicts), never a queryset. Tests start with nothing kept (the root conftest.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")

_kept: dict[str, tuple[float, object]] = {}
_keys_by_model: dict[type, set[str]] = {}
_lock = threading.Lock()


def shared_data(key: str, load: Callable[[], T], *, models: Iterable[type], seconds: float = 60) -> T:
    """The value kept under `key`, or `load()` kept for `seconds` and dropped when `models` change."""
    now = time.monotonic()
    kept = _kept.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    value = load()
    with _lock:
        _kept[key] = (now + seconds, value)
        for model in models:
            _watch(model, key)
    return value


def shared_data_forget(*keys: str) -> None:
    """Drop kept values now (all of them when no key is given)."""
    with _lock:
        if not keys:
            _kept.clear()
        for key in keys:
            _kept.pop(key, None)


def _watch(model: type, key: str) -> None:
    if model not in _keys_by_model:
        _keys_by_model[model] = set()
        post_save.connect(_changed, sender=model, weak=False, dispatch_uid=f"shared_data:{model._meta.label}")
        post_delete.connect(_changed, sender=model, weak=False, dispatch_uid=f"shared_data:{model._meta.label}")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _changed_m2m, sender=field.remote_field.through, weak=False,
                dispatch_uid=f"shared_data:{model._meta.label}:{field.name}",
            )  # fmt: skip
    _keys_by_model[model].add(key)


def _changed(sender, **kwargs) -> None:
    keys = tuple(_keys_by_model.get(sender, ()))
    shared_data_forget(*keys)
    # A request in this process may read the old rows again before this transaction commits.
    transaction.on_commit(lambda: shared_data_forget(*keys))


def _changed_m2m(sender, instance, **kwargs) -> None:
    _changed(type(instance))
