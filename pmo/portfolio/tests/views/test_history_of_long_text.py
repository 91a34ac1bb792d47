"""A history holding text stored before the limits (10 MB descriptions) is shown shortened, on
its page and through the API, so neither answers megabytes (ADR 0021)."""

import pytest
from django.test import Client

from pmo.core.text_limits import SHORTENED
from pmo.portfolio.models import Portfolio

pytestmark = pytest.mark.django_db


def test_the_history_page_and_api_show_a_legacy_10_mb_value_shortened(pmo_head):
    # Given a portfolio whose history holds three saves of a 10 MB description (as before limits)
    portfolio = Portfolio.objects.create(name="IT Portfolio")
    for n in range(3):
        portfolio.description = str(n) * (10 * 1024 * 1024)
        portfolio.save()  # a save that validated nothing, as saves did
    client = Client()
    client.force_login(pmo_head)

    # When the history is read on its page and through the API
    page = client.get(f"/portfolios/{portfolio.pk}/history/")
    api = client.get(f"/api/v1/portfolios/{portfolio.pk}/history/")

    # Then each value is shown up to the longest limit, saying how much is not shown
    hidden = SHORTENED.format(hidden=10 * 1024 * 1024 - 10_000)
    assert page.status_code == 200 and len(page.content) < 200_000
    assert page.content.decode().count(hidden) == 5  # three "after" values, two "before"
    assert api.status_code == 200 and len(api.content) < 200_000
    assert api.json()[0]["changes"][0]["after"] == "2" * 10_000 + hidden
