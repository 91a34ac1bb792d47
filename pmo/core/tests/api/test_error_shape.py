"""The API's error body is one shape everywhere, the one its schema declares: a message and a
list of messages per field; a nested record's or a list's errors are an object of the same
shape, by field or by position."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions

from pmo.core.api import exception_handler


def test_errors_inside_lists_and_nested_records_are_objects_by_field_or_position():
    refused = exceptions.ValidationError(
        {
            "budget": ["This cannot be negative."],
            "milestones": [{}, {"due": ["Enter a date."]}],
            "tags": {3: ["Not a tag."]},
        }
    )

    body = exception_handler(refused, {}).data

    assert body == {
        "message": "budget: This cannot be negative.; milestones: Enter a date.; tags: Not a tag.",
        "fields": {
            "budget": ["This cannot be negative."],
            "milestones": {"1": {"due": ["Enter a date."]}},
            "tags": {"3": ["Not a tag."]},
        },
    }


def test_errors_of_the_whole_record_are_non_field_errors():
    from_service = DjangoValidationError("The period is closed.")
    from_serializer = exceptions.ValidationError(["Send a body."])

    assert exception_handler(from_service, {}).data == {
        "message": "The period is closed.",
        "fields": {"non_field_errors": ["The period is closed."]},
    }
    assert exception_handler(from_serializer, {}).data == {
        "message": "Send a body.",
        "fields": {"non_field_errors": ["Send a body."]},
    }
