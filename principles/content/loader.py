"""Load the shipped principles into the database (called by migrations with historical models)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CONTENT_DIR = Path(__file__).resolve().parent


def load_principles(apps: Any, filename: str) -> None:
    Principle = apps.get_model("principles", "Principle")
    with (CONTENT_DIR / filename).open(encoding="utf-8") as handle:
        items = json.load(handle)["principles"]
    for order, item in enumerate(items, start=1):
        Principle.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "order": order,
                "summary": item["summary"],
                "public_sector": item["public_sector"],
                "civil_sector": item["civil_sector"],
            },
        )
