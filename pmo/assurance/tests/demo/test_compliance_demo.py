"""The demo's PMO standards: the default rules seeded, and the demo portfolio, judged from its
records, showing a spread of compliance (who to chase is not everyone, nor no one), with the
``pm`` login's what-to-fix items in their queue."""

from collections import Counter

import pytest

from pmo.assurance.choices import ComplianceKind
from pmo.assurance.models import ComplianceRule
from pmo.assurance.selectors import portfolio_compliance
from pmo.assurance.work import compliance_work
from pmo.core import clock
from pmo.core.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_the_default_rules_are_there():
    assert set(ComplianceRule.objects.filter(enabled=True).values_list("kind", flat=True)) == set(
        ComplianceKind.values
    )


def test_the_demo_portfolio_shows_a_spread_of_compliance():
    head = User.objects.get(username="head")
    found = portfolio_compliance(user=head, today=clock.today())
    scores = [item.score for item in found]

    assert len(found) >= 30
    assert len(set(scores)) >= 5
    assert min(scores) < 60 < max(scores)
    failing = Counter(r.rule.kind for item in found for r in item.compliance.failing)
    assert len(failing) >= 3  # several standards are missed somewhere, not one everywhere
    assert all(count < len(found) for count in failing.values())


def test_the_pm_login_has_things_to_fix():
    pm = User.objects.get(username="pm")
    items = compliance_work(pm, clock.today())
    assert items and all(item.kind == "compliance-fix" and item.reason for item in items)
