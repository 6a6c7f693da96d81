from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "madina.cases"
    label = "cases"
    verbose_name = _("Cases and referrals")

    def ready(self):
        from madina.cases import checks  # noqa: F401
