"""The roles of tests/test_roles_by_url.py and the shorthands of its rows.

"org_admin" runs venue A's organisation in the console: the console's pages
give them what they give an admin (scoped to their organisation, and every
object of the rows is venue A's), except the district's own pages
(`district_only`) and the district's own objects (`district_object`).
"""

ROLES = (
    "anonymous",
    "worker",
    "manager_a",
    "manager_b",
    "manager_s",
    "org_admin",
    "admin",
)
LOGIN = "login"  # a redirect to the log-in page


def everyone(status):
    return dict.fromkeys(ROLES, status)


def signed_in(status, anonymous=LOGIN):
    return {**everyone(status), "anonymous": anonymous}


def own_booking(status):
    """The worker's own booking: theirs to see, a 404 for everyone else."""
    return {**signed_in(404), "worker": status}


def managers_only(*, other=404):
    return {
        "anonymous": LOGIN,
        "worker": 403,
        "manager_a": 200,
        "manager_b": other,
        "manager_s": other,
        "org_admin": 403,
        "admin": 403,
    }


def admins_only(status=200):
    """A console page: the admin's, and the organisation admin's for theirs."""
    return {
        "anonymous": LOGIN,
        "worker": 403,
        "manager_a": 403,
        "manager_b": 403,
        "manager_s": 403,
        "org_admin": status,
        "admin": status,
    }


def district_only(status=200):
    """A console page of the district's alone: forbidden to organisation admins."""
    return {**admins_only(status), "org_admin": 403}


def district_object(status=200):
    """A console page of an object of the district's, outside every organisation."""
    return {**admins_only(status), "org_admin": 404}


DONE = "done"  # the role may act: a redirect, and rows may change


def post_managers(done=DONE, *, other=404):
    return {**managers_only(other=other), "manager_a": done}


def post_admins(done=DONE):
    return admins_only(done)


def post_district(done=DONE):
    return district_only(done)


def post_district_object(done=DONE):
    return district_object(done)


def post_own(done=DONE):
    """On the worker's own item: theirs to act on, a 404 for everyone else."""
    return {**signed_in(404), "worker": done}


def post_signed_in(done=DONE):
    return signed_in(done)
