from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _


def remember_language(sender, request, user, **kwargs):
    """Messages reach people in the language they last logged in with."""
    from qunxian.services import user_set_language

    language = getattr(request, "LANGUAGE_CODE", "")
    if language:
        user_set_language(user=user, language=language)


class QunxianConfig(AppConfig):
    name = "qunxian"
    verbose_name = _("Accounts and roles")

    def ready(self):
        user_logged_in.connect(remember_language, dispatch_uid="qunxian.language")
