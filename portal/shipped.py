"""Guidance that ships with the portal, and admins' edits that must outlive it.

Each content row the loader writes remembers a digest of the values it shipped
(`shipped_digest`). When a later migration loads newer content, a row whose
current values no longer match that digest has been edited since (in the admin):
the loader leaves it alone. Rows without a digest were added by an admin and are
never touched either, and the loader never deletes anything. Rows without a
natural key (tips, methods, phase questions, question groups) are found again by
the `shipped_key` the loader gave them: their place in the shipped file.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models


class ShippedContent(models.Model):
    shipped_key = models.CharField(max_length=200, blank=True, default="", editable=False, db_index=True)
    shipped_digest = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        abstract = True


def digest(values: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def _current(row: models.Model, names: list[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def _tracks_edits(model: type[models.Model]) -> bool:
    # Migrations older than the digest fields call the loader with historical models without them.
    return any(f.name == "shipped_digest" for f in model._meta.get_fields())


def sync(
    model: Any, *, lookup: dict[str, Any], values: dict[str, Any], key: str = "", adopt: bool = False
) -> Any | None:
    """Write one shipped row unless an admin added or edited it; return the row (None if missing).

    `values` use attribute names (`step_id`, not `step`). `lookup` finds the row by its natural
    key (slug, code, or parent and order for rows that have none; then `key` identifies it).
    With `adopt`, only record that an existing row came from this shipped content (the backfill
    for rows loaded before digests existed): a row that differs from it counts as edited.
    """
    tracks = _tracks_edits(model)
    if tracks and key and not adopt:
        row = model.objects.filter(shipped_key=key).first()
    else:
        row = model.objects.filter(**lookup).first()
    new_digest = digest(values)
    if adopt:
        if row is not None and not row.shipped_digest:
            row.shipped_key = key
            row.shipped_digest = new_digest
            row.save(update_fields=["shipped_key", "shipped_digest"])
        return row
    if row is None:
        extra = {"shipped_key": key, "shipped_digest": new_digest} if tracks else {}
        return model.objects.create(**{**lookup, **values, **extra})
    if tracks:
        if not row.shipped_digest or digest(_current(row, list(values))) != row.shipped_digest:
            return row  # an admin's row: their text wins over the shipped one
        row.shipped_digest = new_digest
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    return row
