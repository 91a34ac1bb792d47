"""The OpenAPI schema is valid with no generator warnings, and the interactive docs work offline."""

import re

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

COLLECTIONS = [
    "portfolios",
    "programmes",
    "projects",
    "people",
    "org-units",
    "strategic-objectives",
    "lifecycle-stages",
    "users",
]


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    target = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    assert yaml.safe_load(target.read_text())["openapi"].startswith("3.")


def test_the_served_schema_is_valid_openapi_3_and_lists_every_collection(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    for collection in COLLECTIONS:
        lookup = "{code}" if collection == "projects" else "{id}"
        assert f"/api/v1/{collection}/" in schema["paths"]
        assert f"/api/v1/{collection}/{lookup}/history/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }
    as_of = [p for p in schema["paths"]["/api/v1/projects/"]["get"]["parameters"] if p["name"] == "as_of"]
    assert as_of[0]["schema"] == {"type": "string", "format": "date"}


def test_the_docs_page_loads_only_local_assets(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert assets, "the page should load Swagger UI"
    # Swagger UI's files, and its start-up script from the page's own address (no inline script)
    assert all(asset.startswith(("/static/", "/api/docs/?")) for asset in assets), assets
    assert not re.search(r"https?://", html)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_the_docs_page_says_its_language_and_links_back_to_the_app(client):
    html = client.get("/api/docs/").content.decode()

    assert '<html lang="en-GB">' in html
    assert re.search(r'<a href="/"[^>]*>Back to Portfolio Office</a>', html)
    assert "style=" not in html and "<style" not in html  # the stylesheet only (strict CSP)


def test_swagger_ui_starts_without_deep_links_or_syntax_colours(client):
    """Deep links put a link inside each operation's button, and the syntax colours fall below a
    4.5:1 contrast: both are off."""
    html = client.get("/api/docs/").content.decode()
    script = re.search(r'<script src="(/api/docs/\?[^"]+)"', html).group(1).replace("&amp;", "&")

    start_up = client.get(script).content.decode()

    assert '"deepLinking": false' in start_up
    assert '"syntaxHighlight": false' in start_up
