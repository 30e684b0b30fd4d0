"""Found by an adversarial pass: an out-of-range student id in the URL must answer 404, never 500.

Every other <int:pk> route answers 404 for an overflowing id; the student routes
write the refused id into the access journal and crash instead.
"""

import pytest
from django.urls import reverse

HUGE = 99999999999999999999  # > 2**63


@pytest.mark.parametrize("name", ["eleves:detail", "eleves:pps", "eleves:update"])
@pytest.mark.parametrize("who", ["coordinator_a", "aesh_a"])
def test_overflow_student_id_is_404(client_as, students, who, name):
    client = client_as(who)
    client.raise_request_exception = False
    response = client.get(reverse(name, args=[HUGE]))
    assert response.status_code in (403, 404)
