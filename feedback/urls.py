from django.urls import path  # noqa: F401

from feedback.views import console, manage, portal  # noqa: F401

portal_patterns = [
    # -- user-end feedback pages --
]

manage_patterns = [
    # -- manager-end feedback pages --
]

console_patterns = [
    # -- console feedback pages --
]
