"""A page class that leaves one of its hooks (the service it calls) unwritten is refused when its
view is made, as the URLs are read at start-up, rather than failing on the first request."""

from typing import Any

import pytest

from pmo.core.generic import ObjectActionView, ObjectDeleteView, ObjectEditView
from pmo.core.models import Notification


def test_a_form_page_without_its_service_is_refused_when_its_view_is_made():
    class Forgetful(ObjectEditView):
        model = Notification

    with pytest.raises(TypeError, match=r"^Forgetful cannot serve pages: it does not write save$"):
        Forgetful.as_view()


def test_a_delete_page_must_also_say_where_to_go_once_deleted():
    class HalfDone(ObjectDeleteView):
        model = Notification

        def delete(self, record: Any, version: int) -> None:
            pass

    with pytest.raises(TypeError, match=r"does not write success_url$"):
        HalfDone.as_view()


def test_a_button_writing_its_step_and_message_is_made():
    class Marked(ObjectActionView):
        model = Notification

        def act(self, record: Any, version: int | None) -> Any:
            return record

        def success_message(self, record: Any) -> str:
            return "Done."

    assert callable(Marked.as_view())
