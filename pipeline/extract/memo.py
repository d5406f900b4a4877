"""Memoising the extractor's pure string functions for the short strings that repeat across cards."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar

R = TypeVar("R")


def memoised_when_short(func: Callable[[Any], R], *, maxsize: int, max_chars: int = 300) -> Callable[[Any], R]:
    """func with an LRU memo for strings of up to max_chars (hosts, headings, dataset names and license lines
    repeat across cards). Longer strings, and anything but a string, are computed each time, so the memo stays
    small; func must be pure, and a result that is mutable must be copied before anyone changes it."""
    memo = lru_cache(maxsize=maxsize)(func)

    @wraps(func)
    def call(value: Any) -> R:
        return memo(value) if isinstance(value, str) and len(value) <= max_chars else func(value)

    return call
