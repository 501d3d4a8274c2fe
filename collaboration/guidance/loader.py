"""Load the shipped guidance content into the database.

Migrations call these with historical models (`apps`), so a content file, once
shipped, is frozen: later content changes come as a new file and a new migration.
Loading leaves admins' work alone (see `portal.shipped`): a row an admin edited
keeps the admin's text, a row an admin added is never touched, and nothing is
deleted, not even shipped rows a newer file no longer names (an admin removes
those). Rows without a natural key are identified by their place in the file
(`<guide>/<phase>/<step>/tip/<n>`), so a newer file keeps the places of the rows
it carries over.

`adopt=True` is the one-time backfill for rows loaded before digests existed:
it only records which rows came from the file, and how they looked.

`ensure_loaded` loads all of it, the principles too, with the project's own
models when the database lacks it (after a test flushed the tables).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps

from portal.shipped import sync
from principles.content.loader import load_discussion_questions, load_principles

CONTENT_DIR = Path(__file__).resolve().parent


def read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def load_forms(apps: Any, filename: str, *, adopt: bool = False) -> None:
    CollaborationForm = apps.get_model("collaboration", "CollaborationForm")
    for order, item in enumerate(read(CONTENT_DIR / filename)["forms"], start=1):
        sync(
            CollaborationForm,
            lookup={"slug": item["slug"]},
            values={
                "name": item["name"],
                "order": order,
                "family": item["family"],
                "participation_level": item["participation_level"],
                "summary": item["summary"],
                "fits_when": "\n".join(item["fits_when"]),
                "not_fits_when": "\n".join(item["not_fits_when"]),
                "agree_on": "\n".join(item["agree_on"]),
            },
            adopt=adopt,
        )


def load_guides(apps: Any, filename: str, *, adopt: bool = False) -> None:
    Guide = apps.get_model("collaboration", "Guide")
    Phase = apps.get_model("collaboration", "Phase")
    PhaseQuestion = apps.get_model("collaboration", "PhaseQuestion")
    Step = apps.get_model("collaboration", "Step")
    QuestionGroup = apps.get_model("collaboration", "QuestionGroup")
    Question = apps.get_model("collaboration", "Question")
    Tip = apps.get_model("collaboration", "Tip")
    Method = apps.get_model("collaboration", "Method")
    for g_order, g in enumerate(read(CONTENT_DIR / filename)["guides"], start=1):
        guide = sync(
            Guide,
            lookup={"slug": g["slug"]},
            values={"title": g["title"], "intro": g["intro"], "order": g_order},
            adopt=adopt,
        )
        if guide is None:
            continue
        for p_order, p in enumerate(g["phases"], start=1):
            phase = sync(
                Phase,
                lookup={"guide_id": guide.pk, "slug": p["slug"]},
                values={"title": p["title"], "kind": p["kind"], "intro": p["intro"], "order": p_order},
                adopt=adopt,
            )
            if phase is None:
                continue
            phase_key = f"{g['slug']}/{p['slug']}"
            for i, text in enumerate(p["questions"], start=1):
                sync(
                    PhaseQuestion,
                    lookup={"phase_id": phase.pk, "order": i},
                    values={"phase_id": phase.pk, "text": text, "order": i},
                    key=f"{phase_key}/question/{i}",
                    adopt=adopt,
                )
            for s_order, s in enumerate(p["steps"], start=1):
                step = sync(
                    Step,
                    lookup={"phase_id": phase.pk, "slug": s["slug"]},
                    values={"title": s["title"], "intro": s["intro"], "order": s_order},
                    adopt=adopt,
                )
                if step is None:
                    continue
                step_key = f"{phase_key}/{s['slug']}"
                for q_group_order, group_data in enumerate(s["groups"], start=1):
                    group = sync(
                        QuestionGroup,
                        lookup={"step_id": step.pk, "order": q_group_order},
                        values={"step_id": step.pk, "heading": group_data["heading"], "order": q_group_order},
                        key=f"{step_key}/group/{q_group_order}",
                        adopt=adopt,
                    )
                    if group is None:
                        continue
                    for q_order, q in enumerate(group_data["questions"], start=1):
                        sync(
                            Question,
                            lookup={"code": q["code"]},
                            values={
                                "group_id": group.pk,
                                "text": q["text"],
                                "help": q.get("help", ""),
                                "order": q_order,
                            },
                            adopt=adopt,
                        )
                for i, text in enumerate(s["tips"], start=1):
                    sync(
                        Tip,
                        lookup={"step_id": step.pk, "order": i},
                        values={"step_id": step.pk, "text": text, "order": i},
                        key=f"{step_key}/tip/{i}",
                        adopt=adopt,
                    )
                for i, m in enumerate(s["methods"], start=1):
                    sync(
                        Method,
                        lookup={"step_id": step.pk, "order": i},
                        values={"step_id": step.pk, "title": m["title"], "text": m["text"], "order": i},
                        key=f"{step_key}/method/{i}",
                        adopt=adopt,
                    )


def load_phase_principles(apps: Any, guidance_file: str, *, adopt: bool = False) -> None:
    """Link each phase to the principles it leans on (the principles must be loaded first)."""
    Principle = apps.get_model("principles", "Principle")
    PhasePrinciple = apps.get_model("collaboration", "PhasePrinciple")
    Phase = apps.get_model("collaboration", "Phase")
    principles = {p.slug: p for p in Principle.objects.all()}
    for g in read(CONTENT_DIR / guidance_file)["guides"]:
        for p in g["phases"]:
            phase = Phase.objects.filter(guide__slug=g["slug"], slug=p["slug"]).first()
            if phase is None:
                continue
            for order, link in enumerate(p["principles"], start=1):
                principle = principles.get(link["principle"])
                if principle is None:
                    continue
                sync(
                    PhasePrinciple,
                    lookup={"phase_id": phase.pk, "principle_id": principle.pk},
                    values={"why": link["why"], "order": order},
                    adopt=adopt,
                )


def load_answer_modes(apps: Any, filename: str) -> None:
    """Say, per phase, whether the parties answer together or each for itself (Phase.answer_mode).

    Only the new field is written, so the rows' shipped digests stay valid and an admin's
    edits of their texts are kept; the field is new, so no admin can have set it before.
    Answers written together before a phase became per party are not lost: each becomes
    the own answer (with its history) of the party organisation that last wrote it, or of
    the first public party where only public parties answer. Where the parties keep
    their own answers but may share them, that party's answers stay shared, since everyone
    could read them already; it can take the sharing back.
    """
    Phase = apps.get_model("collaboration", "Phase")
    Answer = apps.get_model("collaboration", "Answer")
    StepProgress = apps.get_model("collaboration", "StepProgress")
    Party = apps.get_model("collaboration", "Party")
    SharedPhase = apps.get_model("collaboration", "SharedPhase")
    for item in read(CONTENT_DIR / filename)["answer_modes"]:
        phase = Phase.objects.filter(guide__slug=item["guide"], slug=item["phase"]).first()
        if phase is None:
            continue
        mode = item["answer_mode"]
        Phase.objects.filter(pk=phase.pk).update(answer_mode=mode)
        public_only = mode == "offentlig-part"
        rows = [
            *Answer.objects.filter(question__group__step__phase=phase, party_organisation__isnull=True),
            *StepProgress.objects.filter(step__phase=phase, party_organisation__isnull=True),
        ]
        for row in rows:
            parties = list(
                Party.objects.filter(collaboration_id=row.collaboration_id, state="med")
                .select_related("organisation")
                .order_by("organisation__name")
            )
            if public_only:
                parties = [p for p in parties if p.organisation.sector == "offentlig"]
            owner = next((p.organisation for p in parties if p.organisation_id == row.updated_by_organisation_id), None)
            if owner is None and public_only and parties:
                owner = parties[0].organisation
            if owner is None:
                continue  # nobody to give it to: kept as it is, for the admin
            row.party_organisation = owner
            row.save(update_fields=["party_organisation"])
            if not public_only:
                SharedPhase.objects.get_or_create(
                    collaboration_id=row.collaboration_id, phase=phase, organisation=owner
                )


def load_agreement_sections(apps: Any, filename: str) -> None:
    """The agreement's sections with their guidance, and which process answers fill each draft section."""
    AgreementSection = apps.get_model("collaboration", "AgreementSection")
    SectionSource = apps.get_model("collaboration", "SectionSource")
    Question = apps.get_model("collaboration", "Question")
    for order, item in enumerate(read(CONTENT_DIR / filename)["sections"], start=1):
        section = sync(
            AgreementSection,
            lookup={"slug": item["slug"]},
            values={
                "title": item["title"],
                "order": order,
                "kind": item.get("kind", "text"),
                "guidance": item["guidance"],
                "prefill_principles": item.get("prefill_principles", False),
            },
        )
        if section is None:
            continue
        questions = {q.code: q for q in Question.objects.filter(code__in=item["sources"])}
        for s_order, code in enumerate(item["sources"], start=1):
            if code in questions:
                sync(
                    SectionSource,
                    lookup={"section_id": section.pk, "question_id": questions[code].pk},
                    values={"order": s_order},
                )


def ensure_loaded() -> None:
    """Load the shipped content if the database lacks it (after a test flushed the tables)."""
    if global_apps.get_model("collaboration", "Guide").objects.exists():
        return
    load_forms(global_apps, "forms_v1.json")
    load_guides(global_apps, "guidance_v1.json")
    load_principles(global_apps, "principles_v1.json")
    load_phase_principles(global_apps, "guidance_v1.json")
    load_discussion_questions(global_apps, "discussion_v1.json")
    load_answer_modes(global_apps, "answer_modes_v2.json")
    load_agreement_sections(global_apps, "agreement_v1.json")
