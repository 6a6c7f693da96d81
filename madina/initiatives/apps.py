from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "madina.initiatives"
    label = "initiatives"
    verbose_name = _("Initiatives")

    def ready(self) -> None:
        # The gap roll-up follows every write of reports, initiatives and their links through
        # signal receivers, connected when its module is imported (docs/decisions/0010).
        from madina.initiatives import rollup  # noqa: F401
