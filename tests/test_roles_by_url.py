"""Every named URL × every role → the status that role gets, for GET and POST.

A URL that exists but is missing from TABLE fails `test_every_url_is_in_the_table`:
each new page must say here who may see it, and a URL that takes a POST must say
it again in POST_TABLE. Object URLs point at venue A, so "manager_a" is its
manager, "manager_b" manages another venue and "manager_s" only a suspended one;
"org_admin" runs venue A's organisation in the console (tests/role_table.py).
"""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.membership import url_roles as membership_roles
from tests.representatives import url_roles as representative_roles
from tests.role_table import (
    DONE,
    LOGIN,
    ROLES,
    admins_only,
    district_object,
    district_only,
    everyone,
    managers_only,
    own_booking,
    post_admins,
    post_district,
    post_district_object,
    post_managers,
    post_own,
    post_signed_in,
    signed_in,
)
from tests.volunteering import url_roles as volunteering_roles
from venues.models import PublicHoliday


def national_day() -> PublicHoliday:
    holiday, _created = PublicHoliday.objects.get_or_create(
        date=datetime.date(2026, 10, 1),
        defaults={"name": "国庆节", "kind": PublicHoliday.Kind.HOLIDAY},
    )
    return holiday


def failed_delivery(user):
    """A worker's e-mail that ran out of retries, for the console to resend."""
    from django.utils import timezone

    from qunxian.models import Delivery, Notification

    notification, _created = Notification.objects.get_or_create(
        user=user, kind="booking", title="Booking approved", key="roles-by-url"
    )
    return Delivery.objects.get_or_create(
        notification=notification,
        channel="email",
        defaults={
            "state": Delivery.State.FAILED,
            "attempts": 5,
            "last_error": "SMTPServerDisconnected",
            "next_attempt_at": timezone.now(),
        },
    )[0]


def candidate_site(admin):
    """A site an admin proposed for a new venue."""
    from venues.models import CandidateSite

    return CandidateSite.objects.get_or_create(
        name="桃花港候船厅",
        defaults={
            "lat": 29.80,
            "lng": 122.30,
            "cell": "89309a0a0a3ffff",
            "added_by": admin,
        },
    )[0]


# name: (kwargs or a function of the fixtures giving them, {role: status})
TABLE = {
    "home": ({}, everyone(200)),
    "profile": ({}, signed_in(200)),
    "language": ({"code": "en"}, everyone(302)),
    "display": ({"mode": "elder"}, everyone(302)),
    "media": ({"path": "missing.jpg"}, everyone(404)),
    # The user end
    "venues:list": ({}, everyone(200)),
    "venues:map": ({}, everyone(200)),
    "venues:geojson": ({}, everyone(200)),
    "venues:near": ({}, everyone(400)),  # needs a position
    "venues:detail": (lambda f: {"pk": f["venue_a"].pk}, everyone(200)),
    "venues:navigate": (
        lambda f: {"pk": f["venue_a"].pk, "app": "amap"},
        everyone(302),
    ),
    "inbox": ({}, signed_in(200)),
    "bookings:list": ({}, signed_in(200)),
    "bookings:detail": (lambda f: {"pk": f["booking_a"].pk}, own_booking(200)),
    "bookings:cancel": (lambda f: {"pk": f["booking_a"].pk}, everyone(405)),
    "bookings:ics": (lambda f: {"pk": f["booking_a"].pk}, own_booking(404)),
    "bookings:availability": (lambda f: {"space_id": f["space_a"].pk}, everyone(200)),
    "bookings:new": (lambda f: {"space_id": f["space_a"].pk}, signed_in(200)),
    "feedback:mine": ({}, signed_in(200)),
    "feedback:new": ({}, signed_in(200)),
    "feedback:detail": (lambda f: {"pk": f["appeal_a"].pk}, own_booking(200)),
    "feedback:confirm": (lambda f: {"pk": f["appeal_a"].pk}, everyone(405)),
    # Private files go with their pages: the owner's and the venue managers';
    # an admin gets only the district's (tests/test_private_media.py).
    "feedback:appeal_photo": (
        lambda f: {"pk": f["appeal_a"].pk},
        {**everyone(404), "worker": 200, "manager_a": 200},
    ),
    "feedback:appeal_thumbnail": (
        lambda f: {"pk": f["appeal_a"].pk},
        {**everyone(404), "worker": 200, "manager_a": 200},
    ),
    # A visible review's photos are public; a hidden one's are not (same file).
    "feedback:review_photo": (lambda f: {"pk": f["review_photo_a"].pk}, everyone(200)),
    "feedback:review_thumbnail": (
        lambda f: {"pk": f["review_photo_a"].pk},
        everyone(200),
    ),
    "feedback:venue_reviews": (
        lambda f: {"venue_id": f["venue_a"].pk},
        everyone(200),
    ),
    "feedback:review_new": (lambda f: {"venue_id": f["venue_a"].pk}, signed_in(200)),
    # -- user-end activity pages --
    "activities:list": ({}, everyone(200)),
    "activities:mine": ({}, signed_in(200)),
    "activities:detail": (lambda f: {"pk": f["activity_a"].pk}, everyone(200)),
    "activities:sign_up": (lambda f: {"pk": f["activity_a"].pk}, everyone(405)),
    "activities:cancel": (lambda f: {"pk": f["activity_a"].pk}, everyone(405)),
    # The worker's confirmed sign-up; nobody else has one.
    "activities:ics": (lambda f: {"pk": f["activity_a"].pk}, own_booking(200)),
    # -- user-end notice pages --
    "notices:list": ({}, everyone(200)),
    "notices:policies": ({}, everyone(200)),
    "notices:detail": (lambda f: {"pk": f["notice_a"].pk}, everyone(200)),
    "notices:attachment": (lambda f: {"pk": f["notice_a"].pk}, everyone(200)),
    "notices:venue": (lambda f: {"venue_id": f["venue_a"].pk}, everyone(200)),
    # The venue-manager end
    "manage:home": ({}, managers_only(other=200)),
    "manage:venue_list": ({}, managers_only(other=200)),
    "manage:indexes": ({}, managers_only(other=200)),
    # -- manager-end venue pages (issue 3) go here --
    "manage:venue_edit": (lambda f: {"pk": f["venue_a"].pk}, managers_only()),
    "manage:venue_hours": (lambda f: {"pk": f["venue_a"].pk}, managers_only()),
    "manage:venue_closures": (lambda f: {"pk": f["venue_a"].pk}, managers_only()),
    "manage:venue_spaces": (lambda f: {"pk": f["venue_a"].pk}, managers_only()),
    "manage:venue_photos": (lambda f: {"pk": f["venue_a"].pk}, managers_only()),
    "manage:space_edit": (lambda f: {"pk": f["space_a"].pk}, managers_only()),
    # POST-only: require_POST answers 405 to GET before the object is looked up;
    # tests/venues/test_manage.py proves manager_b's POSTs are 404s.
    "manage:closure_delete": (
        lambda f: {"pk": f["closure_a"].pk},
        {**managers_only(other=405), "manager_a": 405},
    ),
    "manage:space_deactivate": (
        lambda f: {"pk": f["space_a"].pk},
        {**managers_only(other=405), "manager_a": 405},
    ),
    "manage:photo_move": (
        lambda f: {"pk": f["photo_a"].pk, "direction": "up"},
        {**managers_only(other=405), "manager_a": 405},
    ),
    "manage:photo_caption": (
        lambda f: {"pk": f["photo_a"].pk},
        {**managers_only(other=405), "manager_a": 405},
    ),
    "manage:photo_delete": (
        lambda f: {"pk": f["photo_a"].pk},
        {**managers_only(other=405), "manager_a": 405},
    ),
    # -- manager-end booking pages --
    "manage:booking_queue": ({}, managers_only(other=200)),
    "manage:booking_check_in_code": ({}, managers_only(other=200)),
    # Each manager sees their own venues' spaces (tests/bookings/test_calendar.py).
    "manage:booking_calendar": ({}, managers_only(other=200)),
    "manage:booking_day_sheet": ({}, managers_only(other=200)),
    "manage:booking_detail": (lambda f: {"pk": f["booking_a"].pk}, managers_only()),
    "manage:space_day": (lambda f: {"pk": f["space_a"].pk}, managers_only()),
    "manage:space_rules": (lambda f: {"pk": f["space_a"].pk}, managers_only()),
    # POST-only; tests/bookings/test_manage.py proves manager_b's POSTs are 404s.
    "manage:booking_bulk_decide": ({}, {**managers_only(other=405), "manager_a": 405}),
    "manage:booking_approve": (
        lambda f: {"pk": f["booking_a"].pk},
        {**managers_only(other=405), "manager_a": 405},
    ),
    "manage:booking_reject": (
        lambda f: {"pk": f["booking_a"].pk},
        {**managers_only(other=405), "manager_a": 405},
    ),
    "manage:booking_cancel": (
        lambda f: {"pk": f["booking_a"].pk},
        {**managers_only(other=405), "manager_a": 405},
    ),
    "manage:booking_check_in": (
        lambda f: {"pk": f["booking_a"].pk},
        {**managers_only(other=405), "manager_a": 405},
    ),
    "manage:booking_no_show": (
        lambda f: {"pk": f["booking_a"].pk},
        {**managers_only(other=405), "manager_a": 405},
    ),
    # Downloads: the form without a query; each manager gets their own venues'.
    "manage:booking_export": ({}, managers_only(other=200)),
    # -- manager-end feedback pages --
    "manage:appeal_list": ({}, managers_only(other=200)),
    "manage:appeal_export": ({}, managers_only(other=200)),
    "manage:appeal_detail": (lambda f: {"pk": f["appeal_a"].pk}, managers_only()),
    "manage:review_list": ({}, managers_only(other=200)),
    "manage:review_detail": (lambda f: {"pk": f["review_a"].pk}, managers_only()),
    # POST-only; tests/feedback/test_handling.py proves manager_b's POSTs are 404s.
    "manage:appeal_accept": (
        lambda f: {"pk": f["appeal_a"].pk},
        {**managers_only(other=405), "manager_a": 405},
    ),
    "manage:appeal_resolve": (
        lambda f: {"pk": f["appeal_a"].pk},
        {**managers_only(other=405), "manager_a": 405},
    ),
    "manage:appeal_close": (
        lambda f: {"pk": f["appeal_a"].pk},
        {**managers_only(other=405), "manager_a": 405},
    ),
    "manage:review_reply": (
        lambda f: {"pk": f["review_a"].pk},
        {**managers_only(other=405), "manager_a": 405},
    ),
    # -- manager-end activity pages --
    "manage:activity_list": ({}, managers_only(other=200)),
    "manage:signup_export": ({}, managers_only(other=200)),
    "manage:activity_create": ({}, managers_only(other=200)),
    "manage:activity_check_in_code": ({}, managers_only(other=200)),
    "manage:activity_edit": (lambda f: {"pk": f["activity_a"].pk}, managers_only()),
    "manage:activity_signups": (
        lambda f: {"pk": f["activity_a"].pk},
        managers_only(),
    ),
    # POST-only; tests/activities/test_views.py proves manager_b's POSTs are 404s.
    "manage:activity_cancel": (
        lambda f: {"pk": f["activity_a"].pk},
        {**managers_only(other=405), "manager_a": 405},
    ),
    "manage:activity_check_in": (
        lambda f: {"pk": f["signup_a"].pk},
        {**managers_only(other=405), "manager_a": 405},
    ),
    # -- manager-end notice pages --
    "manage:notice_list": ({}, managers_only(other=200)),
    "manage:notice_create": ({}, managers_only(other=200)),
    "manage:notice_edit": (lambda f: {"pk": f["notice_a"].pk}, managers_only()),
    # POST-only; tests/notices/test_admin_ends.py proves manager_b's POST is a 404.
    "manage:notice_delete": (
        lambda f: {"pk": f["notice_a"].pk},
        {**managers_only(other=405), "manager_a": 405},
    ),
    # The system-admin end
    "console:home": ({}, admins_only()),
    "console:indexes": ({}, admins_only()),
    "console:indexes_csv": ({}, admins_only(404)),  # nothing computed yet
    "console:indexes_compute": ({}, district_only(405)),
    "console:indexes_weights": ({}, district_only()),
    "console:indexes_handling": ({}, admins_only()),
    # -- console venue, organisation, manager and audit pages (issue 3) go here --
    "console:venue_list": ({}, admins_only()),
    "console:venue_create": ({}, admins_only()),
    "console:venue_export": ({}, admins_only()),
    "console:venue_import": ({}, district_only()),
    "console:siting": ({}, district_only()),
    "console:usage": ({}, district_only()),
    "console:siting_cells": ({}, district_only()),
    "console:siting_candidates": ({}, district_only()),
    "console:siting_candidate_remove": (
        lambda f: {"pk": candidate_site(f["admin"]).pk},
        district_only(405),
    ),
    "console:demand_upload": ({}, district_only()),
    "console:demand_upload_preview": ({"token": "A" * 32}, district_only(302)),
    "console:demand_upload_confirm": ({"token": "A" * 32}, district_only(405)),
    # A token not of this session: back to the upload, with a message.
    "console:venue_import_preview": ({"token": "A" * 32}, district_only(302)),
    "console:venue_import_confirm": ({"token": "A" * 32}, district_only(405)),
    "console:venue_edit": (lambda f: {"pk": f["venue_a"].pk}, admins_only()),
    "console:venue_suspend": (lambda f: {"pk": f["venue_a"].pk}, admins_only()),
    "console:venue_reactivate": (lambda f: {"pk": f["venue_a"].pk}, admins_only()),
    "console:organization_list": ({}, admins_only()),
    "console:organization_create": ({}, district_only()),
    "console:organization_edit": (
        lambda f: {"pk": f["venue_a"].organization_id},
        district_only(),
    ),
    "console:organization_admin_add": (
        lambda f: {"pk": f["venue_a"].organization_id},
        district_only(405),
    ),
    "console:organization_admin_remove": (
        lambda f: {"pk": f["venue_a"].organization_id},
        district_only(405),
    ),
    "console:holiday_list": ({}, district_only()),
    "console:holiday_delete": (lambda f: {"pk": national_day().pk}, district_only(405)),
    "console:manager_list": ({}, admins_only()),
    "console:manager_create": ({}, admins_only()),
    "console:manager_pick": ({}, admins_only()),
    "console:manager_detail": (lambda f: {"pk": f["manager_a"].pk}, admins_only()),
    "console:manager_assign": (lambda f: {"pk": f["manager_a"].pk}, admins_only(405)),
    "console:manager_unassign": (
        lambda f: {"pk": f["manager_a"].pk},
        admins_only(405),
    ),
    "console:manager_deactivate": (
        lambda f: {"pk": f["manager_a"].pk},
        district_only(405),
    ),
    "console:audit_list": ({}, district_only()),
    "console:audit_csv": ({}, district_only()),
    "console:audit_xlsx": ({}, district_only()),
    "console:booking_export": ({}, admins_only()),
    "console:signup_export": ({}, admins_only()),
    "console:appeal_export": ({}, admins_only()),
    "console:delivery_list": ({}, district_only()),
    "console:delivery_resend": (
        lambda f: {"pk": failed_delivery(f["worker"]).pk},
        district_only(405),
    ),
    # -- console feedback pages --
    "console:appeal_list": ({}, admins_only()),
    # The district's own; an on-time venue appeal is a 404 here (test_handling.py).
    "console:appeal_detail": (
        lambda f: {"pk": f["appeal_district"].pk},
        district_object(),
    ),
    "console:appeal_accept": (
        lambda f: {"pk": f["appeal_district"].pk},
        admins_only(405),
    ),
    "console:appeal_resolve": (
        lambda f: {"pk": f["appeal_district"].pk},
        admins_only(405),
    ),
    "console:appeal_close": (
        lambda f: {"pk": f["appeal_district"].pk},
        admins_only(405),
    ),
    "console:review_list": ({}, admins_only()),
    "console:review_hide": (lambda f: {"pk": f["review_a"].pk}, admins_only(405)),
    "console:review_unhide": (lambda f: {"pk": f["review_a"].pk}, admins_only(405)),
    # -- console activity pages --
    "console:activity_list": ({}, admins_only()),
    "console:activity_series": ({}, admins_only()),
    "console:activity_reach": ({}, admins_only()),
    # -- console notice pages --
    "console:notice_list": ({}, admins_only()),
    "console:notice_create": ({}, admins_only()),
    "console:notice_edit": (lambda f: {"pk": f["notice_a"].pk}, admins_only()),
    "console:notice_delete": (lambda f: {"pk": f["notice_a"].pk}, admins_only(405)),
    # Accounts (allauth)
    "account_login": ({}, signed_in(302, anonymous=200)),
    "account_signup": ({}, signed_in(302, anonymous=200)),
    "account_logout": ({}, signed_in(200, anonymous=302)),
    "account_inactive": ({}, everyone(200)),
    "account_reauthenticate": ({}, signed_in(200)),
    "account_request_reauthentication_code": ({}, signed_in(200)),
    "account_confirm_reauthentication_code": ({}, signed_in(302)),
    "account_email": ({}, signed_in(200)),
    "account_email_verification_sent": ({}, everyone(200)),
    "account_confirm_email": ({"key": "bad-key"}, everyone(200)),
    "account_change_password": ({}, signed_in(200)),
    "account_set_password": ({}, signed_in(302)),
    "account_reset_password": ({}, everyone(200)),
    # Reset by a code (SMS or mail): without one asked for, back to the start.
    "account_confirm_password_reset_code": ({}, everyone(LOGIN)),
    "account_complete_password_reset": ({}, everyone(302)),
    "account_password_reset_completed": ({}, everyone(200)),
    "account_request_login_code": ({}, signed_in(302, anonymous=200)),
    "account_confirm_login_code": ({}, signed_in(302)),
    "account_verify_phone": ({}, signed_in(302)),
    "account_change_phone": ({}, signed_in(200)),
}
for app_roles in (membership_roles, volunteering_roles, representative_roles):
    TABLE |= app_roles.TABLE


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_every_url_is_in_the_table():
    missing = sorted(set(url_names()) - set(TABLE))
    assert not missing, f"URLs without a row in TABLE: {missing}"


def test_table_has_no_stale_rows():
    assert not sorted(set(TABLE) - set(url_names()))


@pytest.mark.parametrize("name", sorted(TABLE))
def test_role_gets_expected_status(client, personas, name):
    kwargs, expected = TABLE[name]
    if callable(kwargs):
        kwargs = kwargs(personas)
    url = reverse(name, kwargs=kwargs)
    for role in ROLES:
        client.logout()
        if personas[role] is not None:
            client.force_login(personas[role])
        response = client.get(url)
        want = expected[role]
        if want == LOGIN:
            assert response.status_code == 302, (role, url)
            assert response["Location"].startswith(reverse("account_login")), (
                role,
                url,
            )
        else:
            assert response.status_code == want, (role, url, response.status_code)


# -- POST: every URL that takes one, with a real CSRF token ----------------------

# name: {role: status} for an empty form; a refused role must change no row.
POST_TABLE = {
    # The user end
    "bookings:new": post_signed_in(200),  # the empty form comes back with errors
    "bookings:cancel": post_own(),
    "feedback:new": post_signed_in(200),
    "feedback:confirm": post_own(),
    "feedback:review_new": post_signed_in(200),
    "activities:sign_up": post_signed_in(),
    "activities:cancel": post_own(),
    # The venue-manager end
    "manage:venue_edit": post_managers(200),
    "manage:venue_hours": post_managers(200),
    "manage:venue_closures": post_managers(200),
    "manage:venue_spaces": post_managers(200),
    "manage:venue_photos": post_managers(200),
    "manage:space_edit": post_managers(200),
    "manage:space_rules": post_managers(200),
    "manage:closure_delete": post_managers(),
    "manage:space_deactivate": post_managers(),
    "manage:photo_move": post_managers(),
    "manage:photo_caption": post_managers(),
    "manage:photo_delete": post_managers(),
    "manage:booking_check_in_code": post_managers(200, other=200),
    "manage:booking_bulk_decide": post_managers(other=302),
    "manage:booking_approve": post_managers(),
    "manage:booking_reject": post_managers(),
    "manage:booking_cancel": post_managers(),
    "manage:booking_check_in": post_managers(),
    "manage:booking_no_show": post_managers(),
    "manage:appeal_accept": post_managers(),
    "manage:appeal_resolve": post_managers(),
    "manage:appeal_close": post_managers(),
    "manage:review_reply": post_managers(),
    "manage:activity_create": post_managers(200, other=200),
    "manage:activity_edit": post_managers(200),
    "manage:activity_cancel": post_managers(),
    "manage:activity_check_in": post_managers(),
    "manage:activity_check_in_code": post_managers(200, other=200),
    "manage:notice_create": post_managers(200, other=200),
    "manage:notice_edit": post_managers(200),
    "manage:notice_delete": post_managers(),
    # The system-admin end
    "console:indexes_compute": post_district(),
    "console:indexes_weights": post_district(200),  # an empty form: its errors
    "console:venue_create": post_admins(200),
    "console:venue_import": post_district(200),  # the empty form, with its error
    "console:venue_import_confirm": post_district(),  # a forged token: nothing
    "console:siting_candidates": post_district(200),  # the empty form, with errors
    "console:siting_candidate_remove": post_district(),
    "console:demand_upload": post_district(200),
    "console:demand_upload_confirm": post_district(),  # a forged token: nothing
    "console:venue_edit": post_admins(200),
    "console:venue_suspend": post_admins(200),
    "console:venue_reactivate": post_admins(200),
    "console:organization_create": post_district(200),
    "console:organization_edit": post_district(200),
    "console:organization_admin_add": post_district(200),
    "console:organization_admin_remove": post_district(),  # nobody named: a message
    "console:holiday_list": post_district(200),  # the empty form, with its errors
    "console:holiday_delete": post_district(),
    "console:manager_create": post_admins(200),
    "console:manager_pick": post_admins(200),
    "console:manager_detail": post_admins(200),
    "console:manager_assign": post_admins(200),
    "console:manager_unassign": post_admins(),
    "console:manager_deactivate": post_district(),
    "console:appeal_accept": post_district_object(),
    "console:appeal_resolve": post_district_object(),
    "console:appeal_close": post_district_object(),
    "console:delivery_resend": post_district(),
    "console:review_hide": post_admins(),
    "console:review_unhide": post_admins(),
    "console:activity_series": post_admins(200),
    "console:notice_create": post_admins(200),
    "console:notice_edit": post_admins(200),
    "console:notice_delete": post_admins(),
    # Accounts (allauth): signed-in people are sent on, the rest get the form back
    "account_login": signed_in(302, anonymous=200),
    "account_signup": signed_in(302, anonymous=200),
    "account_logout": signed_in(DONE, anonymous=302),
    "account_reauthenticate": signed_in(200),
    "account_request_reauthentication_code": signed_in(200),
    "account_confirm_reauthentication_code": signed_in(302),
    "account_email": signed_in(302),
    "account_change_password": signed_in(200),
    "account_set_password": signed_in(302),
    "account_reset_password": everyone(200),
    "account_confirm_password_reset_code": everyone(LOGIN),
    "account_complete_password_reset": everyone(302),
    "account_request_login_code": signed_in(302, anonymous=200),
    "account_confirm_email": everyone(404),
    "account_confirm_login_code": signed_in(302),
    "account_verify_phone": signed_in(302),
    "account_change_phone": signed_in(200),
    "profile": signed_in(DONE),  # every field may be blank
}
for app_roles in (membership_roles, volunteering_roles, representative_roles):
    POST_TABLE |= app_roles.POST_TABLE

# Rows a refused POST may leave different: who is logged in, and log-in history.
VOLATILE = {"sessions.session"}


def snapshot():
    from django.apps import apps

    return {
        model._meta.label_lower: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.label_lower not in VOLATILE and model._meta.managed
    }


def csrf_token(client) -> str:
    """A real token, as a browser gets it: from a page with a form."""
    client.get(reverse("account_login"))
    client.get(reverse("profile"))
    return client.cookies["csrftoken"].value


def test_every_post_url_has_a_post_row(client, personas):
    """A URL outside POST_TABLE must refuse a POST from a role that may GET it."""
    unlisted = []
    for name in sorted(set(TABLE) - set(POST_TABLE)):
        kwargs, expected = TABLE[name]
        url = reverse(name, kwargs=kwargs(personas) if callable(kwargs) else kwargs)
        role = next(
            (r for r in reversed(ROLES) if expected[r] not in (LOGIN, 403, 404)),
            "admin",
        )
        client.logout()
        if personas[role] is not None:
            client.force_login(personas[role])
        status = client.post(url).status_code
        if status != 405:
            unlisted.append((name, role, status))
    assert not unlisted, (
        f"URLs that take a POST without a row in POST_TABLE: {unlisted}"
    )


@pytest.mark.parametrize("name", sorted(POST_TABLE))
def test_post_by_role_gets_expected_status_and_refusals_change_nothing(personas, name):
    from django.db import transaction
    from django.test import Client

    kwargs = TABLE[name][0]
    url = reverse(name, kwargs=kwargs(personas) if callable(kwargs) else kwargs)
    expected = POST_TABLE[name]
    # Refused roles first, so an allowed one's change cannot hide a refusal's.
    for role in sorted(ROLES, key=lambda r: expected[r] == DONE):
        client = Client(enforce_csrf_checks=True)
        if personas[role] is not None:
            client.force_login(personas[role])
        token = csrf_token(client)
        before = snapshot()
        want = expected[role]
        # An allowed role's change is taken back, so that the next allowed role
        # (the admin after the organisation admin) acts on the same rows.
        with transaction.atomic():
            response = client.post(url, {"csrfmiddlewaretoken": token})
            transaction.set_rollback(want == DONE)
        if want == LOGIN:
            assert response.status_code == 302, (role, url, response.status_code)
            assert response["Location"].startswith(reverse("account_login"))
        elif want == DONE:
            assert response.status_code == 302, (role, url, response.status_code)
            continue
        else:
            assert response.status_code == want, (role, url, response.status_code)
        assert snapshot() == before, (role, url, "a refused POST changed rows")


def test_a_post_without_its_csrf_token_is_refused_and_changes_nothing(personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["manager_a"])
    before = snapshot()
    url = reverse("manage:booking_approve", args=[personas["booking_a"].pk])
    assert client.post(url).status_code == 403
    assert snapshot() == before
