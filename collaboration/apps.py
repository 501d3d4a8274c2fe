from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CollaborationConfig(AppConfig):
    name = "collaboration"
    verbose_name = "Samverkan"

    def ready(self) -> None:
        # The receivers of collaboration.signals, connected in every process (web, task worker, commands).
        # A change to guidance content in this process is seen by its next request (collaboration.guidance.cache).
        from collaboration.agreement import approval  # noqa: F401
        from collaboration.documents import contents  # noqa: F401
        from collaboration.guidance import cache as guidance_cache
        from collaboration.models import (
            Guide,
            Method,
            Phase,
            PhasePrinciple,
            PhaseQuestion,
            Question,
            QuestionGroup,
            Step,
            Tip,
        )
        from principles.models import Principle

        for model in (
            Guide,
            Phase,
            PhasePrinciple,
            PhaseQuestion,
            Step,
            QuestionGroup,
            Question,
            Tip,
            Method,
            Principle,
        ):
            post_save.connect(
                guidance_cache.forget, sender=model, dispatch_uid=f"guidance-forget-save-{model.__name__}"
            )
            post_delete.connect(
                guidance_cache.forget, sender=model, dispatch_uid=f"guidance-forget-delete-{model.__name__}"
            )
