from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "collaboration.devtools"
    label = "devtools"
    verbose_name = "Utvecklarverktyg"
