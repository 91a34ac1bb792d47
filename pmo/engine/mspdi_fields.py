"""The custom fields (MS Project's extended attributes) of a plan's tasks, read from its MS Project
XML without reading the rest of the plan: the fields' names (their alias, else their name) and
each task's values, for the tasks asked about. Parsed as safely as ``pmo.engine.mspdi`` reads."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from lxml import etree

from pmo.engine.mspdi import MAX_BYTES, MspdiError

FIELD = "Field {id}"


@dataclass(frozen=True)
class CustomFields:
    names: dict[str, str] = field(default_factory=dict)  # field id -> alias or name
    values: dict[int, dict[str, str]] = field(default_factory=dict)  # task UID -> field id -> value

    def columns(self) -> list[tuple[str, str]]:
        """(field id, name) of the fields any task asked about has a value for, in file order."""
        used = {key for found in self.values.values() for key in found}
        known = [(key, name) for key, name in self.names.items() if key in used]
        unnamed = sorted(used - set(self.names))
        return known + [(key, FIELD.format(id=key)) for key in unnamed]


def custom_fields(data: bytes, uids: Collection[int] | None = None) -> CustomFields:
    """The custom fields of ``data``'s tasks (those with a UID in ``uids``, or all)."""
    if len(data) > MAX_BYTES:
        raise MspdiError(f"The file is {len(data):,} bytes; the limit is {MAX_BYTES:,}.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise MspdiError(f"The file is not well-formed XML: {exc}") from exc
    if root.getroottree().docinfo.doctype:
        raise MspdiError("The file declares a DOCTYPE (entities), so it is refused.")
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""

    def text(element: etree._Element, name: str) -> str:
        found = element.find(ns + name)
        return (found.text or "").strip() if found is not None else ""

    names = {}
    for attribute in root.iterfind(f"{ns}ExtendedAttributes/{ns}ExtendedAttribute"):
        key = text(attribute, "FieldID")
        names[key] = text(attribute, "Alias") or text(attribute, "FieldName") or FIELD.format(id=key)
    wanted = None if uids is None else set(uids)
    values: dict[int, dict[str, str]] = {}
    for task in root.iterfind(f"{ns}Tasks/{ns}Task"):
        uid_text = text(task, "UID")
        if not uid_text.lstrip("-").isdecimal():
            continue
        uid = int(uid_text)
        if wanted is not None and uid not in wanted:
            continue
        found = {text(a, "FieldID"): text(a, "Value") for a in task.iterfind(f"{ns}ExtendedAttribute")}
        if found:
            values[uid] = found
    return CustomFields(names=names, values=values)
