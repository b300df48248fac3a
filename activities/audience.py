""" "For you": which upcoming activities to put first for one person.

Only a person who consented to the use of their gender and age
(`User.profile_consent`) gets a tailored order, computed in SQL from their own
profile at request time; nothing about the match is stored. The page labels the
matches with a generic "For you" and never says why, so nobody reading over a
shoulder learns another person's age or gender from it.
"""

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone


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
