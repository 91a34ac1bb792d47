"""Signed-in browsers (Django's test client) and helpers to read what a page shows."""

from collections.abc import Callable
from typing import Any

import lxml.html
import pytest
from django.test import Client

from pmo.core.models import User
from pmo.portfolio.forms import RecordForm


@pytest.fixture
def browser_for(db: None) -> Callable[[User], Client]:
    """A test client signed in as the given user."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def page(response: Any) -> Any:
    """The response's HTML as an lxml document, to read what a person would see."""
    return lxml.html.fromstring(response.content.decode())


def text_of(response: Any) -> str:
    """All the text a person reads on the page, white space folded."""
    return " ".join(page(response).text_content().split())


def table_headers(response: Any, table: str = "//div[@id='record-results']//table") -> list[str]:
    cells = page(response).xpath(f"{table}/thead//th")
    return [" ".join(th.text_content().split()).rstrip("▲▼↕") for th in cells]


def row_keys(response: Any, table: str = "//div[@id='record-results']//table") -> list[str]:
    """The first cell of each row of a register table (the project code, programme code…)."""
    return [th.text_content().strip() for th in page(response).xpath(f"{table}/tbody/tr/th")]


def form_data(form: RecordForm, **changes: Any) -> dict[str, Any]:
    """What the browser posts for ``form`` as shown, with ``changes`` typed over it."""
    data: dict[str, Any] = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        data[field.name] = "on" if value is True else value
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}
