"""Load the shipped guidance content into the database.

Migrations call these with historical models (`apps`), so a content file, once
shipped, is frozen: later content changes come as a new file and a new migration.
Loading is idempotent: it updates rows by slug/code and leaves admins' additions alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CONTENT_DIR = Path(__file__).resolve().parent


def read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def load_forms(apps: Any, filename: str) -> None:
    CollaborationForm = apps.get_model("collaboration", "CollaborationForm")
    for order, item in enumerate(read(CONTENT_DIR / filename)["forms"], start=1):
        CollaborationForm.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "order": order,
                "family": item["family"],
                "participation_level": item["participation_level"],
                "summary": item["summary"],
                "fits_when": "\n".join(item["fits_when"]),
                "not_fits_when": "\n".join(item["not_fits_when"]),
                "agree_on": "\n".join(item["agree_on"]),
            },
        )


def load_guides(apps: Any, filename: str) -> None:
    Guide = apps.get_model("collaboration", "Guide")
    Phase = apps.get_model("collaboration", "Phase")
    PhaseQuestion = apps.get_model("collaboration", "PhaseQuestion")
    Step = apps.get_model("collaboration", "Step")
    QuestionGroup = apps.get_model("collaboration", "QuestionGroup")
    Question = apps.get_model("collaboration", "Question")
    Tip = apps.get_model("collaboration", "Tip")
    Method = apps.get_model("collaboration", "Method")
    for g_order, g in enumerate(read(CONTENT_DIR / filename)["guides"], start=1):
        guide, _ = Guide.objects.update_or_create(
            slug=g["slug"], defaults={"title": g["title"], "intro": g["intro"], "order": g_order}
        )
        for p_order, p in enumerate(g["phases"], start=1):
            phase, _ = Phase.objects.update_or_create(
                guide=guide,
                slug=p["slug"],
                defaults={"title": p["title"], "kind": p["kind"], "intro": p["intro"], "order": p_order},
            )
            PhaseQuestion.objects.filter(phase=phase).delete()
            PhaseQuestion.objects.bulk_create(
                [PhaseQuestion(phase=phase, text=text, order=i) for i, text in enumerate(p["questions"], start=1)]
            )
            for s_order, s in enumerate(p["steps"], start=1):
                step, _ = Step.objects.update_or_create(
                    phase=phase, slug=s["slug"], defaults={"title": s["title"], "intro": s["intro"], "order": s_order}
                )
                for q_group_order, group_data in enumerate(s["groups"], start=1):
                    group, _ = QuestionGroup.objects.update_or_create(
                        step=step, order=q_group_order, defaults={"heading": group_data["heading"]}
                    )
                    for q_order, q in enumerate(group_data["questions"], start=1):
                        Question.objects.update_or_create(
                            code=q["code"],
                            defaults={"group": group, "text": q["text"], "help": q.get("help", ""), "order": q_order},
                        )
                Tip.objects.filter(step=step).delete()
                Tip.objects.bulk_create([Tip(step=step, text=t, order=i) for i, t in enumerate(s["tips"], start=1)])
                Method.objects.filter(step=step).delete()
                Method.objects.bulk_create(
                    [
                        Method(step=step, title=m["title"], text=m["text"], order=i)
                        for i, m in enumerate(s["methods"], start=1)
                    ]
                )


def load_phase_principles(apps: Any, guidance_file: str) -> None:
    """Link each phase to the principles it leans on (the principles must be loaded first)."""
    Principle = apps.get_model("principles", "Principle")
    PhasePrinciple = apps.get_model("collaboration", "PhasePrinciple")
    Phase = apps.get_model("collaboration", "Phase")
    principles = {p.slug: p for p in Principle.objects.all()}
    for g in read(CONTENT_DIR / guidance_file)["guides"]:
        for p in g["phases"]:
            phase = Phase.objects.get(guide__slug=g["slug"], slug=p["slug"])
            for order, link in enumerate(p["principles"], start=1):
                PhasePrinciple.objects.update_or_create(
                    phase=phase,
                    principle=principles[link["principle"]],
                    defaults={"why": link["why"], "order": order},
                )
