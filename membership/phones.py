"""Mobile numbers as the fast track keeps them: keyed hashes, never the numbers.

A number is normalised (spaces, dashes and a +86 prefix dropped) and hashed
with HMAC-SHA256 under a key derived from SECRET_KEY, so the list cannot be
read back into numbers without the site's secret, and a number matches the
same hash wherever it was typed.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac

from qunxian.models import phone_validator

KEY_SALT = "membership.fast_track.phone"
SEPARATORS = re.compile(r"[\s\-()（）]")
COUNTRY_PREFIX = re.compile(r"^(\+86|0086|86)(?=1\d{10}$)")


def normalised_phone(text: str) -> str:
    """The 11-digit number in `text`; a ValidationError if it is not one."""
    number = COUNTRY_PREFIX.sub("", SEPARATORS.sub("", text))
    phone_validator(number)
    return number


def phone_digest(number: str) -> str:
    return salted_hmac(KEY_SALT, number, algorithm="sha256").hexdigest()


def digest_of(text: str) -> str | None:
    try:
        return phone_digest(normalised_phone(text))
    except ValidationError:
        return None
