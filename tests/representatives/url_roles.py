"""Rows of tests/test_roles_by_url.py for the representatives app's URLs.

The worker persona is a representative of the district union's congress and
the proposer of a submitted proposal; the admin is in every congress's office
(the system admins run the district's congresses); the others have no part in
it, so its private pages are 404s for them.
"""

from tests.role_table import DONE, district_only, everyone, own_booking, signed_in

# Shorthands for the rows: tests/role_table.py.


def world(f) -> dict:
    """The congress of the rows, made once per test in the personas dict."""
    if "representatives" not in f:
        from representatives.models import Proposal
        from tests.representatives.factories import congress_setup, log_entry

        made = congress_setup(representative_user=f["worker"])
        rep = made["representative"]
        made["entry"] = log_entry(rep)
        proposal = Proposal.objects.create(
            session=made["session"],
            proposer=rep,
            title="夜班热饭",
            reason="夜班吃不上热饭。",
            measures="留一个窗口。",
            category="canteen",
            state=Proposal.State.SUBMITTED,
        )
        proposal.entries.add(made["entry"])
        made["proposal"] = proposal
        f["representatives"] = made
    return f["representatives"]


def representative(f):
    return {"pk": world(f)["representative"].pk}


def entry(f):
    return {"pk": world(f)["entry"].pk}


def proposal(f):
    return {"pk": world(f)["proposal"].pk}


def session(f):
    return {"pk": world(f)["session"].pk}


def congress(f):
    return {"pk": world(f)["congress"].pk}


# The representative's own, and the office's (the admin).
OWN_AND_OFFICE = {**own_booking(200), "admin": 200}
OFFICE = {**signed_in(404), "admin": 200}
STEPS = (
    "cosign",
    "submit",
    "decide",
    "publish",
    "assign",
    "send_back",
    "extend",
    "answer",
    "rate",
)

# name: (kwargs or a function of the personas giving them, {role: status})
TABLE = {
    "representatives:home": ({}, signed_in(200)),
    "representatives:suggest": ({}, signed_in(200)),
    "representatives:representative": (representative, everyone(200)),
    "representatives:log": (representative, own_booking(200)),
    "representatives:proposal_new": (representative, own_booking(200)),
    "representatives:entry": (entry, OWN_AND_OFFICE),
    "representatives:proposal": (proposal, OWN_AND_OFFICE),
    # POST-only: require_POST answers 405 before the proposal is looked up.
    **{f"representatives:proposal_{step}": (proposal, everyone(405)) for step in STEPS},
    "representatives:session": (session, OFFICE),
    "representatives:session_close": (session, everyone(405)),
    "representatives:congress": (congress, everyone(200)),
    "representatives:congress_setup": (congress, OFFICE),
    "console:congress_list": ({}, district_only()),
    "console:congress_setup": (congress, district_only()),
}

# name: {role: status} for an empty form
POST_TABLE = {
    # The form again, with its errors.
    "representatives:suggest": signed_in(200),
    "representatives:log": own_booking(200),
    "representatives:proposal_new": own_booking(200),
    # Back to the proposal with the reason it was refused, nothing changed:
    # the proposer may not take the office's steps nor the office the
    # proposer's, and an empty form is no step (tests/representatives/).
    **{
        f"representatives:proposal_{step}": {
            **OWN_AND_OFFICE,
            "worker": 302,
            "admin": 302,
        }
        for step in STEPS
    },
    # No honours is a valid end of a session.
    "representatives:session_close": {**OFFICE, "admin": DONE},
    "representatives:congress_setup": {**OFFICE, "admin": 302},
    "console:congress_list": district_only(200),
    "console:congress_setup": district_only(302),
}
