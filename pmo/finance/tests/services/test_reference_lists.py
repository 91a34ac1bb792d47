"""The cost categories and funding sources are kept through ``pmo.finance.reference``: one in use
is never deleted (the refusal counts each kind of record that uses it), names are one per list
whatever their capitals, only finance partners and the PMO write, and a category's staff flag
moves its money between a cost centre's staff and non-staff figures at once, judging nothing
again (the project tolerances judge whole EACs). Run on 4 December 2026."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.finance import cost_centres, reference, selectors, services
from pmo.finance.models import CostCategory, CostCentre, CostCode, FundingSource
from pmo.finance.services import LedgerRow
from pmo.finance.tests.conftest import OCT, line

pytestmark = pytest.mark.django_db


def test_a_category_used_by_lines_of_every_kind_names_each_and_how_many(money):
    with pytest.raises(ValidationError) as refused:
        reference.CATEGORIES.delete(actor=money.finance, record=money.software, expected_version=None)

    assert refused.value.messages == [
        reference.IN_USE.format(
            record="Cost category Software",
            uses="1 cost code, 3 project budget lines, 1 ledger line and 2 forecast lines",
        )
    ]
    assert CostCategory.objects.filter(pk=money.software.pk).exists()


def test_a_funding_source_in_use_by_a_code_only_is_refused_and_an_unused_one_deleted(books):
    with pytest.raises(ValidationError, match="1 cost code use it"):
        reference.SOURCES.delete(actor=books.finance, record=books.capital, expected_version=1)

    grant = reference.SOURCES.create(actor=books.finance, fields={"name": "  Arts  Council grant "})
    assert grant.name == "Arts Council grant"
    reference.SOURCES.delete(actor=books.finance, record=grant, expected_version=1)
    assert not FundingSource.objects.filter(name="Arts Council grant").exists()
    deleted = grant.history.first()
    assert (deleted.history_type, deleted.history_user) == ("-", books.finance)


def test_finance_and_the_pmo_add_categories_and_funding_sources_others_may_not(books):
    made = reference.CATEGORIES.create(actor=books.finance, fields={"name": " Training ", "position": 7})
    assert (made.name, made.position, made.staff, made.active) == ("Training", 7, False, True)
    assert reference.SOURCES.create(actor=books.cast.officer, fields={"name": "Grant"}).name == "Grant"
    for create in (reference.CATEGORIES.create, reference.SOURCES.create):
        with pytest.raises(PermissionDenied):
            create(actor=books.cast.pm, fields={"name": "Mine"})
    with pytest.raises(ValidationError) as refused:
        reference.CATEGORIES.create(actor=books.finance, fields={"name": "Staff"})
    assert list(refused.value.message_dict) == ["name"]


def test_only_finance_and_the_pmo_write_and_a_reader_learns_nothing_of_the_list(books):
    pm = books.cast.pm
    with pytest.raises(PermissionDenied):
        reference.CATEGORIES.create(actor=pm, fields={"name": "Staff"})  # taken, but not told
    with pytest.raises(PermissionDenied):
        reference.CATEGORIES.update(actor=pm, record=books.staff, fields={"staff": False}, expected_version=1)
    with pytest.raises(PermissionDenied):
        reference.CATEGORIES.delete(actor=pm, record=books.staff, expected_version=1)  # in use, not told

    made = reference.CATEGORIES.create(actor=books.cast.head, fields={"name": "Training", "position": 7})
    assert made.position == 7


def test_names_are_one_per_list_whatever_their_capitals_and_fields_are_limited(books):
    with pytest.raises(ValidationError) as taken:
        reference.CATEGORIES.update(
            actor=books.finance, record=books.software, fields={"name": "STAFF"}, expected_version=1
        )
    assert taken.value.message_dict == {
        "name": [reference.NAME_TAKEN.format(kind="cost category", name="Staff")]
    }

    renamed = reference.CATEGORIES.update(
        actor=books.finance, record=books.software, fields={"name": "SOFTWARE"}, expected_version=1
    )
    assert renamed.name == "SOFTWARE"  # its own name, other capitals
    with pytest.raises(ValidationError) as refused:
        reference.SOURCES.create(actor=books.finance, fields={"name": "Grant", "staff": True})
    assert list(refused.value.message_dict) == ["staff"]


def test_the_staff_flag_moves_a_centres_money_between_staff_and_non_staff_and_judges_nothing_again(
    books, monkeypatch
):
    centre = cost_centres.cost_centre_create(actor=books.finance, fields={"code": "PMO", "name": "PMO"})
    training = reference.CATEGORIES.create(actor=books.finance, fields={"name": "Training"})
    CostCode.objects.create(code="P1", cost_centre=centre, category=training, spend_type="revenue")
    year = selectors.current_year()
    cost_centres.cost_centre_budget_set(
        actor=books.finance,
        cost_centre=centre,
        year=year,
        lines=[line(date(2027, 1, 1), training, 2_000)],
        fields={"non_staff_limit": Decimal(1_000), "note": ""},
        expected_version=None,
    )
    services.actuals_load(
        actor=books.finance, rows=[LedgerRow("P1", OCT, Decimal(400))], reference="L", year=2026
    )
    before = cost_centres.cost_centre_year(cost_centre=CostCentre.objects.get(code="PMO"), year=year)
    assert (before.non_staff.eac, before.staff.eac, before.over_limit) == (Decimal(2_400), 0, True)

    told: list[list[int]] = []
    monkeypatch.setattr("pmo.core.reactions.reactions", lambda change: [told.append])
    reference.CATEGORIES.update(
        actor=books.finance, record=training, fields={"staff": True}, expected_version=1
    )

    after = cost_centres.cost_centre_year(cost_centre=CostCentre.objects.get(code="PMO"), year=year)
    assert (after.non_staff.eac, after.staff.eac, after.over_limit) == (0, Decimal(2_400), False)
    assert told == []
    assert training.history.first().history_change_reason == reference.STAFF_NOW
