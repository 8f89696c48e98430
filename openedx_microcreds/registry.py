"""Pluggable parts named in settings by dotted path (delivery channels, wallet protocols)."""

from __future__ import annotations

import functools
from typing import TypeVar

T = TypeVar("T")


def instances(paths: list[str] | tuple[str, ...], kind: type[T]) -> tuple[T, ...]:
    """One instance of each class named in ``paths``, in order; TypeError names a path whose
    class is not a ``kind``. Loaded once per process and list of paths."""
    return _load(tuple(paths), kind)


@functools.lru_cache(maxsize=16)
def _load(paths: tuple[str, ...], kind: type[T]) -> tuple[T, ...]:
    from django.utils.module_loading import import_string

    loaded = []
    for path in paths:
        instance = import_string(path)()
        if not isinstance(instance, kind):
            raise TypeError(f"{path} is not a {kind.__name__}")
        loaded.append(instance)
    return tuple(loaded)
