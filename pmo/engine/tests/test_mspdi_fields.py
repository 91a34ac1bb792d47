"""A plan's custom fields (extended attributes) read from its MS Project XML alone: named by their
alias, unnamed ones by their field id, only for the tasks asked about; a DOCTYPE is refused."""

import pytest

from pmo.engine.mspdi import MspdiError
from pmo.engine.mspdi_fields import custom_fields

XML = b"""<?xml version="1.0"?>
<Project xmlns="http://schemas.microsoft.com/project">
  <ExtendedAttributes><ExtendedAttribute><FieldID>188743731</FieldID><FieldName>Text1</FieldName>
    <Alias>Cost centre</Alias></ExtendedAttribute></ExtendedAttributes>
  <Tasks>
    <Task><UID>1</UID><ExtendedAttribute><FieldID>188743731</FieldID><Value>CC-42</Value></ExtendedAttribute>
      <ExtendedAttribute><FieldID>188743752</FieldID><Value>7</Value></ExtendedAttribute></Task>
    <Task><UID>2</UID><ExtendedAttribute><FieldID>188743731</FieldID><Value>CC-7</Value></ExtendedAttribute></Task>
    <Task><UID>3</UID></Task>
  </Tasks>
</Project>"""


def test_fields_are_named_and_read_for_the_tasks_asked_about():
    found = custom_fields(XML, [1, 3])

    assert found.values == {1: {"188743731": "CC-42", "188743752": "7"}}
    assert found.columns() == [("188743731", "Cost centre"), ("188743752", "Field 188743752")]
    assert custom_fields(XML).values[2] == {"188743731": "CC-7"}


def test_a_doctype_is_refused():
    with pytest.raises(MspdiError, match="DOCTYPE"):
        custom_fields(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Project/>')
