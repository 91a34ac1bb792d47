"""Reading what a RAID page shows: its text, the error beside a field, the rows of a table."""

from typing import Any

import lxml.html
from django.test import Client

from pmo.core.models import User


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def doc(response: Any) -> Any:
    """The page as an lxml document, without its style sheet (which no one reads)."""
    page = lxml.html.fromstring(response.content.decode())
    for style in page.xpath("//style"):
        style.drop_tree()
    return page


def text_of(response: Any) -> str:
    """All the text a person reads on the page (inside main), white space folded."""
    main = doc(response).xpath("//main")
    return " ".join(" ".join(main[0].itertext()).split()) if main else ""


def field_error(response: Any, field: str) -> str:
    """The error shown beside a form field (empty when there is none)."""
    found = doc(response).xpath(f"//*[@id='id_{field}_error']")
    return " ".join(found[0].text_content().split()) if found else ""


def table_rows(response: Any, testid: str) -> list[list[str]]:
    """The body rows of the table marked ``data-testid=testid``, as the text of each cell."""
    rows = doc(response).xpath(f"//table[@data-testid='{testid}']/tbody/tr")
    return [[" ".join(cell.text_content().split()) for cell in row.xpath("th|td")] for row in rows]


def references(response: Any) -> list[str]:
    """The references (first column) of the register table's rows."""
    return [row[0] for row in table_rows(response, "register-table") if len(row) > 1]
