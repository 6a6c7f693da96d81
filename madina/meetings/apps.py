from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "madina.meetings"
    label = "meetings"
    verbose_name = _("Meetings and recommendations")

    def ready(self) -> None:
        from madina.coordination.signals import item_changed
        from madina.meetings import receivers

        item_changed.connect(receivers.on_item_changed, dispatch_uid="meetings.on_item_changed")
