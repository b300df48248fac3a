"""Rows of tests/test_roles_by_url.py for the membership app's URLs."""

from membership.models import Membership, MembershipApplication
from tests.membership.factories import ApplicationFactory, member
from tests.role_table import (
    district_only,
    everyone,
    managers_only,
    own_booking,
    post_district,
    post_managers,
    post_own,
    signed_in,
)

# A POST-only URL asked with a GET: the end's guard, then 405 for any manager.
MANAGERS_POST_ONLY = {**managers_only(other=405), "manager_a": 405}


# The rows' objects are made once per set of personas: some tests ask every
# row's kwargs in turn, and a worker has one open application at most.


def _open_application(f) -> MembershipApplication:
    """The worker's application at venue A, open unless a row approved it."""
    application = f.get("membership_application_a")
    if application is None:
        application = ApplicationFactory(user=f["worker"], venue=f["venue_a"])
        f["membership_application_a"] = application
    return application


def _membership(f) -> Membership:
    """The worker as a member of venue A's union."""
    membership = f["worker"].memberships.current().first()
    if membership is None:
        application = _open_application(f)
        if application.is_open:
            from membership.services import application_approve

            membership = application_approve(application=application, actor=f["admin"])
        else:
            membership = member(f["worker"], venue=f["venue_a"])
    return membership


def _application_a(f):
    return {"pk": _open_application(f).pk}


def _worker_member(f):
    _membership(f)
    return {}


def _membership_a(f):
    return {"pk": _membership(f).pk}


def _card_token(f):
    return {"token": _membership(f).card_token}


def _own_member(status):
    """The worker's own card: theirs; the others, not members, are sent to 入会."""
    return {**signed_in(302), "worker": status}


# name: (kwargs or a function of the personas giving them, {role: status})
TABLE = {
    "membership:home": ({}, signed_in(200)),
    "membership:apply": ({}, signed_in(200)),
    "membership:application": (_application_a, own_booking(200)),
    "membership:answer": (_application_a, everyone(405)),
    "membership:withdraw": (_application_a, everyone(405)),
    "membership:greeting": ({}, everyone(200)),
    "membership:card": (_worker_member, _own_member(200)),
    "membership:renew": (_worker_member, everyone(405)),
    "membership:leave": (_worker_member, _own_member(200)),
    "membership:verify": (_card_token, everyone(200)),
    # The venue-manager end: applications made at venue A
    "manage:membership_queue": ({}, managers_only(other=200)),
    "manage:membership_bulk_approve": ({}, MANAGERS_POST_ONLY),
    "manage:membership_application": (_application_a, managers_only()),
    "manage:membership_approve": (_application_a, MANAGERS_POST_ONLY),
    "manage:membership_request_info": (
        _application_a,
        MANAGERS_POST_ONLY,
    ),
    "manage:membership_reject": (
        _application_a,
        MANAGERS_POST_ONLY,
    ),
    "manage:membership_follow": (_application_a, MANAGERS_POST_ONLY),
    # The console
    "console:membership_queue": ({}, district_only()),
    "console:membership_bulk_approve": ({}, district_only(405)),
    "console:membership_application": (_application_a, district_only()),
    "console:membership_approve": (_application_a, district_only(405)),
    "console:membership_request_info": (_application_a, district_only(405)),
    "console:membership_reject": (_application_a, district_only(405)),
    "console:membership_follow": (_application_a, district_only(405)),
    "console:membership_members": ({}, district_only()),
    "console:membership_member": (_membership_a, district_only()),
    "console:membership_transfer": (_membership_a, district_only(405)),
    "console:membership_revoke": (_membership_a, district_only(405)),
    "console:fast_track_lists": ({}, district_only()),
    "console:fast_track_upload": ({}, district_only()),
    # A forged token finds no upload: back to the upload page.
    "console:fast_track_preview": ({"token": "forged-token"}, district_only(302)),
    "console:fast_track_confirm": ({"token": "forged-token"}, district_only(405)),
    "console:membership_figures": ({}, district_only()),
    "console:membership_figures_csv": ({}, district_only()),
}

# name: {role: status} for an empty form
POST_TABLE = {
    "membership:apply": signed_in(200),  # the empty form, with its errors
    "membership:answer": {**signed_in(404), "worker": 302},  # empty: an error
    "membership:withdraw": post_own(),
    "membership:renew": signed_in(302),  # a valid membership: nothing to renew
    "membership:leave": _own_member(200),  # the box is not ticked
    "manage:membership_bulk_approve": post_managers(302, other=302),
    "manage:membership_approve": post_managers(),
    "manage:membership_request_info": post_managers(302),
    "manage:membership_reject": post_managers(302),
    "manage:membership_follow": post_managers(),
    "console:membership_bulk_approve": post_district(302),
    "console:membership_approve": post_district(),
    "console:membership_request_info": post_district(302),
    "console:membership_reject": post_district(302),
    "console:membership_follow": post_district(),
    "console:membership_transfer": post_district(302),
    "console:membership_revoke": post_district(302),
    "console:fast_track_upload": post_district(200),
    "console:fast_track_confirm": post_district(302),
}
