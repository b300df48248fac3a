from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QunxianConfig(AppConfig):
    name = "qunxian"
    verbose_name = _("Accounts and roles")
