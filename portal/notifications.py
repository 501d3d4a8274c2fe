"""Placeholder until the notifications branch lands: queue nothing."""

from __future__ import annotations

from typing import Any


def notify(**kwargs: Any) -> int:
    return 0
