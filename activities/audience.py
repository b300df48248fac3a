""" "For you": which upcoming activities to put first for one person; and
whether a person is in an activity's audience when they sign up.

Only a person who consented to the use of their gender and age
(`User.profile_consent`) gets a tailored order, computed in SQL from their own
profile at request time; nothing about the match is stored. The page labels the
matches with a generic "For you" and never says why, so nobody reading over a
shoulder learns another person's age or gender from it.

At sign-up, a person whose shared gender or age is outside the audience is
refused; one who shared nothing (or not the part the activity names) is told
whom it is for and may declare they belong, which the sign-up records.
"""

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _


def order_for_user(activities: QuerySet, user) -> tuple[QuerySet, bool]:
    """`activities` annotated with `for_you` and ordered; and whether tailored.

    An activity is for the user when it names an audience (an age range and/or
    a gender) and every part it names matches what the user shared: an
    activity for everyone is nobody's in particular, and an age range cannot
    match a user without a birth year. Without consent, or with nothing
    shared, `for_you` is false for all and the order is plain chronological.
    """
    plain = activities.annotate(
        for_you=Value(False, output_field=BooleanField())
    ).order_by("starts_at", "id")
    if not (user.is_authenticated and user.profile_consent):
        return plain, False
    if user.birth_year is None and not user.gender:
        return plain, False

    targeted = Q(min_age__isnull=False) | Q(max_age__isnull=False) | ~Q(gender="")
    if user.birth_year is None:
        age_fits = Q(min_age__isnull=True, max_age__isnull=True)
    else:
        # The age reached this year: at most a year off, and no birthday needed.
        age = timezone.localdate().year - user.birth_year
        age_fits = (Q(min_age__isnull=True) | Q(min_age__lte=age)) & (
            Q(max_age__isnull=True) | Q(max_age__gte=age)
        )
    gender_fits = Q(gender__in=["", user.gender]) if user.gender else Q(gender="")
    matches = targeted & age_fits & gender_fits
    tailored = activities.annotate(
        for_you=Case(
            When(matches, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    ).order_by("-for_you", "starts_at", "id")
    return tailored, True


def audience_label(activity) -> str:
    """Whom the activity is for, in words (as its page says it)."""
    low, high = activity.min_age, activity.max_age
    parts = []
    if low is not None and high is not None:
        parts.append(_("Ages %(low)s–%(high)s") % {"low": low, "high": high})
    elif low is not None:
        parts.append(_("Ages %(low)s and over") % {"low": low})
    elif high is not None:
        parts.append(_("Ages up to %(high)s") % {"high": high})
    if activity.gender:
        parts.append(str(activity.get_gender_display()))
    return " · ".join(parts) or _("Everyone")


def _known(user) -> tuple[str, int | None]:
    """The gender and birth year we may use: only with consent."""
    if not (user.is_authenticated and user.profile_consent):
        return "", None
    return user.gender, user.birth_year


def outside_audience(activity, user) -> str | None:
    """Why `user` is outside the audience, by what they consented to share."""
    gender, birth_year = _known(user)
    outside = bool(activity.gender and gender and gender != activity.gender)
    if birth_year is not None:
        # The age reached in the year of the activity, as "For you" counts it.
        age = timezone.localtime(activity.starts_at).year - birth_year
        outside |= activity.min_age is not None and age < activity.min_age
        outside |= activity.max_age is not None and age > activity.max_age
    if not outside:
        return None
    return _(
        "This activity is only for: %(audience)s. The gender or age in your "
        "profile is outside it, so you cannot sign up."
    ) % {"audience": audience_label(activity)}


def must_declare(activity, user) -> bool:
    """Whether the person must say they belong: the activity names a gender or
    an age we may not use or do not know."""
    gender, birth_year = _known(user)
    ages = activity.min_age is not None or activity.max_age is not None
    return bool(activity.gender and not gender) or (ages and birth_year is None)
