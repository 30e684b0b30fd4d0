"""The attacker's audit of the AESH tables on the demo (its own module: the demo is module-wide)."""

from reports.tests.test_aesh_secret import aesh_audit


def test_no_hidden_aesh_cell_of_the_demo_can_be_narrowed(demo):
    from django.utils import timezone

    from pial.enums import Role
    from pial.models import Membership
    from pial.scope import Scope

    day = timezone.localdate()
    checked = 0
    scopes = [Scope.of(m) for m in Membership.objects.filter(role__in=(Role.INSPECTOR, Role.GESTIONNAIRE))
              .select_related("pole", "circonscription", "departement").order_by("pk")] + [Scope.national()]
    for scope in scopes:
        findings, _, cells = aesh_audit(scope, day)
        assert findings == [], (scope.label, findings)
        checked += cells
    assert checked > 10  # the audit read the AESH tables
