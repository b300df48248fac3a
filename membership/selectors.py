"""What membership adds to the front page of each end (gathered by `dashboards`).

Each function returns a dict the page shows under the name `membership`.
"""

from membership.models import Membership


def user_home_items(user) -> dict:
    """A member's card, for the greeting; nothing for anyone else."""
    if not user.is_authenticated:
        return {}
    return {
        "membership": Membership.objects.current()
        .filter(user=user)
        .select_related("union")
        .first()
    }
