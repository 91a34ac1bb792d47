"""Each gate's evidence over the API (``gate-evidence``): read by everyone; added, changed and
removed by the PMO head with version checks; errors as JSON naming the field; evidence already
confirmed on a review kept; its history; a size-independent query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from pmo.governance.models import Gate, GateEvidence
from pmo.governance.tests.steps import in_review

pytestmark = pytest.mark.django_db
EVIDENCE = "/api/v1/gate-evidence/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_the_pmo_head_adds_changes_and_removes_a_gates_evidence(cast):
    gate = Gate.objects.get(stage__name="Delivery")
    head = client_for(cast.head)
    body = {"gate": gate.pk, "name": "Data protection impact assessment", "kind": "document",
            "size_tiers": ["large", "major"], "methodologies": []}  # fmt: skip

    added = head.post(EVIDENCE, body, format="json")
    assert added.status_code == 201, added.json()
    evidence = added.json()
    assert (evidence["gate_name"], evidence["size_tiers"], evidence["version"]) == (
        str(gate),
        ["large", "major"],
        1,
    )
    assert "Data protection impact assessment" in [
        e["name"] for e in head.get(f"/api/v1/gates/{gate.pk}/").json()["evidence"]
    ]

    url = f"{EVIDENCE}{evidence['id']}/"
    changed = head.patch(url, {"version": 1, "description": "Signed by the DPO."}, format="json")
    stale = head.patch(url, {"version": 1, "description": "Again."}, format="json")
    assert changed.status_code == 200 and changed.json()["description"] == "Signed by the DPO."
    assert changed.json()["gate"] == gate.pk  # a change keeps it with its gate
    assert stale.status_code == 409
    history = head.get(f"{url}history/").json()
    assert len(history["results"] if isinstance(history, dict) else history) == 2

    removed = head.delete(url, HTTP_IF_MATCH='"2"')
    assert removed.status_code == 204
    assert not GateEvidence.objects.filter(pk=evidence["id"]).exists()


def test_only_the_pmo_head_changes_evidence_and_everyone_reads_it(cast):
    gate = Gate.objects.get(stage__name="Delivery")
    pm = client_for(cast.pm)
    listed = pm.get(f"{EVIDENCE}?gate={gate.pk}").json()["results"]
    first = GateEvidence.objects.filter(gate=gate).order_by("order", "pk").first()

    refused_add = pm.post(EVIDENCE, {"gate": gate.pk, "name": "Mine", "kind": "document"}, format="json")
    refused_change = pm.patch(
        f"{EVIDENCE}{first.pk}/", {"version": first.version, "name": "X"}, format="json"
    )
    refused_delete = pm.delete(f"{EVIDENCE}{first.pk}/")

    assert [e["name"] for e in listed] == list(
        GateEvidence.objects.filter(gate=gate).order_by("order", "pk").values_list("name", flat=True)
    )
    assert (refused_add.status_code, refused_change.status_code, refused_delete.status_code) == (
        403,
        403,
        403,
    )
    assert GateEvidence.objects.filter(pk=first.pk, name=first.name).exists()


def test_bad_evidence_is_refused_as_json_naming_the_field(cast):
    head = client_for(cast.head)
    gate = Gate.objects.get(stage__name="Delivery")
    taken = GateEvidence.objects.filter(gate=gate).first()

    unknown_tier = head.post(
        EVIDENCE, {"gate": gate.pk, "name": "Y", "kind": "document", "size_tiers": ["huge"]}, format="json"
    )
    bad_kind = head.post(EVIDENCE, {"gate": gate.pk, "name": "Y", "kind": "rumour"}, format="json")
    no_gate = head.post(EVIDENCE, {"name": "Y", "kind": "document"}, format="json")
    same_name = head.post(EVIDENCE, {"gate": gate.pk, "name": taken.name, "kind": "document"}, format="json")

    assert unknown_tier.status_code == 400 and "size_tiers" in unknown_tier.json()["fields"]
    assert bad_kind.status_code == 400 and "kind" in bad_kind.json()["fields"]
    assert no_gate.status_code == 400 and "gate" in no_gate.json()["fields"]
    assert same_name.status_code == 400
    assert same_name.json()["fields"]["name"] == [
        f"{gate} already asks for “{taken.name}”: give this evidence another name."
    ]


def test_evidence_confirmed_on_a_review_is_not_removed_saying_why(cast):
    review = in_review(cast)
    confirmed = review.confirmations.first().evidence

    refused = client_for(cast.head).delete(f"{EVIDENCE}{confirmed.pk}/")

    assert refused.status_code == 400
    assert "gate evidence confirmation" in str(refused.json()).lower()
    assert GateEvidence.objects.filter(pk=confirmed.pk).exists()


def test_the_list_issues_the_same_queries_for_few_and_many(cast):
    client = client_for(cast.pm)
    counts = []
    for gate in Gate.objects.order_by("stage__order")[:2]:
        for n in range(6):
            GateEvidence.objects.create(gate=gate, name=f"Paper {n}", kind="document")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(EVIDENCE).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
