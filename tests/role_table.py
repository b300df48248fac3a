"""The roles of tests/test_roles_by_url.py and the shorthands of its rows."""

ROLES = ("anonymous", "worker", "manager_a", "manager_b", "manager_s", "admin")
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
        "admin": 403,
    }


def admins_only(status=200):
    return {
        "anonymous": LOGIN,
        "worker": 403,
        "manager_a": 403,
        "manager_b": 403,
        "manager_s": 403,
        "admin": status,
    }


DONE = "done"  # the role may act: a redirect, and rows may change


def post_managers(done=DONE, *, other=404):
    return {**managers_only(other=other), "manager_a": done}


def post_admins(done=DONE):
    return admins_only(done)


def post_own(done=DONE):
    """On the worker's own item: theirs to act on, a 404 for everyone else."""
    return {**signed_in(404), "worker": done}


def post_signed_in(done=DONE):
    return signed_in(done)
