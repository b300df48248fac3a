"""Two admins saving the weights at once (PostgreSQL only): two new versions."""

import pytest
from django.db import connection

from feedback.models import IndexWeights
from feedback.services import WEIGHT_FIELDS, index_weights_change
from tests.activities.test_concurrency import run_together
from tests.factories import AdminFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="races need PostgreSQL's row locks"
)


@pytest.mark.django_db(transaction=True)
def test_two_admins_saving_at_once_make_two_versions():
    first = IndexWeights.objects.current()
    defaults = {name: getattr(first, name) for name in WEIGHT_FIELDS}
    admins = AdminFactory.create_batch(2)
    priors = (8.0, 12.0)
    results = run_together(
        [
            lambda admin=admin, prior=prior: index_weights_change(
                actor=admin, values={**defaults, "prior_weight": prior}
            )
            for admin, prior in zip(admins, priors, strict=True)
        ]
    )
    assert all(isinstance(result, IndexWeights) for result in results), results
    versions = IndexWeights.objects.order_by("version")
    assert [w.version for w in versions] == [1, 2, 3]
    assert {w.prior_weight for w in versions[1:]} == set(priors)
