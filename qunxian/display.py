"""The display mode: 适老化 (elder) or standard, remembered in a cookie.

A cookie rather than a profile field, so it works without an account; the
anonymous page cache keys on it (see qunxian/caching.py).
"""

from django.http import HttpRequest

COOKIE = "qx_display"
ELDER = "elder"
STANDARD = "standard"
MODES = (STANDARD, ELDER)
COOKIE_AGE = 365 * 24 * 60 * 60


def display_mode(request: HttpRequest) -> str:
    mode = request.COOKIES.get(COOKIE, STANDARD)
    return mode if mode in MODES else STANDARD
