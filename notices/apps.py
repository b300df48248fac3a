from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices and policies")

    def ready(self):
        from notices.cache import connect_signals

        connect_signals()
