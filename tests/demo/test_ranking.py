"""The demo's index ranks on service too: its first venue is one people
reviewed and whose feedback was answered, not the one with the most views."""

from django.test import Client
from django.urls import reverse

from feedback.models import IndexSnapshot
from feedback.periods import last_complete_month, previous_month
from qunxian.models import User


def test_the_first_ranked_venue_has_reviews_and_answered_feedback(demo):
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    page = client.get(reverse("console:indexes"))
    assert page.status_code == 200
    first = page.context["ranking"][0]
    assert first.period == last_complete_month()
    assert first.review_count > 0 and first.good_review_count > 0
    assert first.appeal_count > 0 and first.appeals_handled_in_time > 0
    # It comes first on its service, better than the district's, not on views.
    assert first.good_review_score > first.prior_good_review
    assert first.handling_score > first.prior_handling
    # And in the month before (the demo's views cover both months whole).
    period = previous_month(last_complete_month())
    top = IndexSnapshot.objects.ranking(period).first()
    assert top.review_count > 0 and top.appeals_handled_in_time > 0
