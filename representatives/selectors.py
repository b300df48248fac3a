"""What the pages read: a session's figures (like the seed's "94 valid proposals")."""

from dataclasses import dataclass

from django.db.models import Count, Q

from representatives.models import Proposal, Rating, Session


@dataclass(frozen=True)
class SessionFigures:
    received: int
    valid: int
    answered: int
    answered_on_time: int
    ratings: int
    satisfied: int  # satisfied or basically satisfied

    @property
    def satisfaction(self) -> float | None:
        """Share of satisfied and basically satisfied ratings, 0–100."""
        return 100 * self.satisfied / self.ratings if self.ratings else None


EMPTY = {
    "received": 0,
    "valid": 0,
    "answered": 0,
    "answered_on_time": 0,
    "ratings": 0,
    "satisfied": 0,
}


def figures_by_session(sessions) -> dict[int, SessionFigures]:
    """Each session's figures, in two queries however many sessions."""
    ids = [session.pk for session in sessions]
    counts = {
        row.pop("session"): row
        for row in Proposal.objects.filter(session__in=ids)
        .values("session")
        .annotate(
            received=Count("pk", filter=~Q(state=Proposal.State.DRAFT)),
            valid=Count("pk", filter=Q(state__in=Proposal.VALID)),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            answered_on_time=Count("pk", filter=Q(answered_on_time=True)),
        )
        .order_by()
    }
    ratings = {
        row.pop("proposal__session"): row
        for row in Rating.objects.filter(proposal__session__in=ids)
        .values("proposal__session")
        .annotate(
            ratings=Count("pk"),
            satisfied=Count("pk", filter=~Q(verdict=Rating.Verdict.NOT)),
        )
        .order_by()
    }
    return {
        pk: SessionFigures(**(EMPTY | counts.get(pk, {}) | ratings.get(pk, {})))
        for pk in ids
    }


def session_figures(session: Session) -> SessionFigures:
    return figures_by_session([session])[session.pk]
