"""Load the shipped principles into the database (called by migrations with historical models).

Like the guidance loader: a principle an admin edited keeps the admin's text (`portal.shipped`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from portal.shipped import sync

CONTENT_DIR = Path(__file__).resolve().parent


def load_principles(apps: Any, filename: str, *, adopt: bool = False) -> None:
    Principle = apps.get_model("principles", "Principle")
    with (CONTENT_DIR / filename).open(encoding="utf-8") as handle:
        items = json.load(handle)["principles"]
    for order, item in enumerate(items, start=1):
        sync(
            Principle,
            lookup={"slug": item["slug"]},
            values={
                "name": item["name"],
                "order": order,
                "summary": item["summary"],
                "public_sector": item["public_sector"],
                "civil_sector": item["civil_sector"],
            },
            adopt=adopt,
        )


def load_discussion_questions(apps: Any, filename: str) -> None:
    """The discussion questions per principle; an admin's edited or added question is left alone."""
    Principle = apps.get_model("principles", "Principle")
    DiscussionQuestion = apps.get_model("principles", "DiscussionQuestion")
    with (CONTENT_DIR / filename).open(encoding="utf-8") as handle:
        items = json.load(handle)["discussion_questions"]
    principles = {p.slug: p for p in Principle.objects.all()}
    for slug, questions in items.items():
        principle = principles.get(slug)
        if principle is None:
            continue
        for order, text in enumerate(questions, start=1):
            sync(
                DiscussionQuestion,
                lookup={"principle_id": principle.pk, "order": order},
                values={"principle_id": principle.pk, "order": order, "text": text},
                key=f"{slug}:{order}",
            )
