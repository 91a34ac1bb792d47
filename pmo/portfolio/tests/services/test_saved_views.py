"""Saved views of the register: a person's named filters, columns and sort, kept with history,
refused with the unknown parts named."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core.choices import Role
from pmo.portfolio.models import SavedView
from pmo.portfolio.services import saved_view_create, saved_view_delete, saved_view_rename

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann(make_user):
    return make_user(Role.PMO_ANALYST, username="ann")


def test_a_view_keeps_its_filters_columns_and_sort_but_not_the_page(ann):
    chosen = "?status=active&cols=code,name,declared_status&sort=-declared_status&page=3"
    view = saved_view_create(actor=ann, name="  Red   IT ", query=chosen)

    assert view.name == "Red IT"
    assert view.query == "status=active&cols=code%2Cname%2Cdeclared_status&sort=-declared_status"
    assert view.link == f"/projects/?{view.query}"
    assert view.history.get().history_user == ann


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("colour=red&flavour=mint", "Unknown filter(s): colour, flavour."),
        ("cols=code,budgett", "Unknown column(s): budgett."),
        ("sort=-shoe_size", "Unknown sort: -shoe_size."),
        ("status=sleeping", "Status: Select a valid choice. sleeping is not one of the available choices."),
        ("as_of=yesterday", "As of:"),
    ],
)
def test_unknown_filters_columns_sorts_and_values_are_refused_naming_them(ann, query, named):
    with pytest.raises(ValidationError) as refused:
        saved_view_create(actor=ann, name="Mine", query=query)

    said = refused.value.message_dict["query"]
    assert any(named in message for message in said), said
    assert not SavedView.objects.exists()


def test_a_name_is_used_once_per_person(ann, make_user):
    saved_view_create(actor=ann, name="Mine", query="status=active")
    saved_view_create(actor=make_user(Role.PMO_ANALYST), name="Mine", query="")  # someone else's

    with pytest.raises(ValidationError, match="You already have a saved view named Mine"):
        saved_view_create(actor=ann, name="Mine", query="")


def test_the_owner_renames_and_deletes_with_history_and_nobody_else_may(ann, make_user):
    view = saved_view_create(actor=ann, name="Mine", query="status=active")
    bob = make_user(Role.PMO_HEAD)

    with pytest.raises(PermissionDenied):
        saved_view_rename(actor=bob, view=view, name="Bob's now", expected_version=1)
    renamed = saved_view_rename(actor=ann, view=view, name="Active", expected_version=1)
    with pytest.raises(PermissionDenied):
        saved_view_delete(actor=bob, view=renamed, expected_version=2)
    saved_view_delete(actor=ann, view=renamed, expected_version=2)

    assert not SavedView.objects.exists()
    assert [h.name for h in SavedView.history.order_by("history_id")] == ["Mine", "Active", "Active"]
    assert [h.history_type for h in SavedView.history.order_by("history_id")] == ["+", "~", "-"]


def test_a_bad_value_is_named_by_its_filter_even_once_the_filters_field_was_made_early(ann):
    # django-filter copies a field made before its filter knew the model, with no label: the
    # message must still name the filter (it said "None: …" in a full run).
    from pmo.portfolio.forms import RegisterFilter

    assert RegisterFilter.base_filters["status"].field.label is None

    with pytest.raises(ValidationError) as refused:
        saved_view_create(actor=ann, name="Mine", query="status=sleeping")

    assert refused.value.message_dict["query"] == [
        "Status: Select a valid choice. sleeping is not one of the available choices."
    ]
