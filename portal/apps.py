from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portalen"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from portal import checks, drafts  # noqa: F401 (checks registers itself)

        # A browser may keep a draft for someone else than who signs in: it never reaches them.
        user_logged_in.connect(drafts.forget_others, dispatch_uid="portal.drafts.forget_others")
