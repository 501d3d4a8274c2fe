"""Shipped guidance content (JSON) and the loader that migrations use."""


def ensure_loaded() -> None:
    """Load the shipped content if the database lacks it (after a test flushed the tables)."""
    from django.apps import apps

    from collaboration.content.loader import (
        load_agreement_sections,
        load_answer_modes,
        load_forms,
        load_guides,
        load_phase_principles,
    )
    from principles.content.loader import load_discussion_questions, load_principles

    if apps.get_model("collaboration", "Guide").objects.exists():
        return
    load_forms(apps, "forms_v1.json")
    load_guides(apps, "guidance_v1.json")
    load_principles(apps, "principles_v1.json")
    load_phase_principles(apps, "guidance_v1.json")
    load_discussion_questions(apps, "discussion_v1.json")
    load_answer_modes(apps, "answer_modes_v2.json")
    load_agreement_sections(apps, "agreement_v1.json")
