"""Every page is served with a strict Content-Security-Policy: scripts, styles, fonts and images
from this site only, no inline script, no eval. (That the pages work under it is proved in
Chromium: pmo/insights/tests/browser/test_content_security_policy.py.)"""

import re

import pytest
from django.urls import reverse

from pmo.core.choices import Role

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = [part.split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def test_the_sign_in_page_has_the_strict_policy(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert policy(response) == STRICT


@pytest.mark.parametrize(
    "path", ["/", "/projects/", "/dashboard/", "/raid/", "/accounts/profile/", "/api/docs/", "/admin/"]
)
def test_every_page_has_the_strict_policy(client, make_user, path):
    client.force_login(make_user(Role.PMO_HEAD, username="hanna", is_staff=True))

    response = client.get(path)

    assert response.status_code == 200
    assert policy(response) == STRICT


MOST_USED = ["/", "/projects/", "/dashboard/", "/raid/", "/reporting/reports/", "/changes/", "/api/docs/"]


def test_pages_hold_no_inline_script_or_style(client, make_user):
    # given the pages a PMO head uses most, as the server renders them
    client.force_login(make_user(Role.PMO_HEAD, username="hanna", is_staff=True))
    for path in MOST_USED:
        html = client.get(path).content.decode()

        # then no script runs from the page itself (JSON data blocks are not scripts) and no
        # element or attribute carries a style
        inline_scripts = [
            attributes
            for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
            if body.strip() and 'type="application/json"' not in attributes
        ]
        assert inline_scripts == [], path
        assert "<style" not in html, path
        assert not re.search(r"\sstyle=", html), path


def test_the_api_docs_start_swagger_ui_from_a_script_of_their_own(client, make_user):
    client.force_login(make_user(username="ann"))

    page = client.get(reverse("api-docs"))
    start = re.search(r'<script src="([^"]*\?[^"]*script=[^"]*)"', page.content.decode())
    script = client.get(start.group(1).replace("&amp;", "&"))

    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_only_the_browsable_api_allows_inline_styles_and_its_scripts_stay_strict(client, make_user):
    # given someone who may read projects but not add them (so the page offers no form)
    client.force_login(make_user(Role.EXECUTIVE, username="eve"))

    html = client.get("/api/v1/projects/", HTTP_ACCEPT="text/html")
    as_json = client.get("/api/v1/projects/", HTTP_ACCEPT="application/json")

    assert html.status_code == 200
    assert html["Content-Type"].startswith("text/html")
    assert 'name="_content"' not in html.content.decode()
    assert policy(html)["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy(html)["script-src"] == ["'self'"]
    assert policy(as_json) == STRICT
