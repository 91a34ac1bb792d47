"""The menus' addresses (``{% address %}``) are those ``{% url %}`` gives, for a page with no
argument, one key, or more."""

from django.template import Context, Template
from django.urls import reverse, set_script_prefix

from pmo.core.links import page_address


def render(text: str) -> str:
    return Template("{% load addresses %}" + text).render(Context())


def test_an_address_is_the_one_url_gives():
    # given pages with no argument and with a key
    # when the menus ask for their addresses
    # then each is what {% url %} writes, escaped the same way, and kept as a variable alike
    assert render('{% address "portfolio:project_list" %}') == render('{% url "portfolio:project_list" %}')
    assert render('{% address "raid:register" "risks" %}') == reverse("raid:register", args=["risks"])
    assert render('{% address "portfolio:home" as href %}[{{ href }}]') == f"[{reverse('portfolio:home')}]"


def test_an_address_follows_the_script_prefix():
    # given the site served under a prefix (as behind a proxy)
    assert page_address("portfolio:project_list") == "/projects/"
    set_script_prefix("/pmo/")
    try:
        # then the address carries it, not the one made before without it
        assert page_address("portfolio:project_list") == "/pmo/projects/"
    finally:
        set_script_prefix("/")
    assert page_address("portfolio:project_list") == "/projects/"
