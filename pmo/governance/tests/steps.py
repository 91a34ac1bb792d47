"""Gate review steps shared by the tests: a review of WEB's next gate taken so far."""

import datetime as dt

from pmo.governance import services
from pmo.governance.choices import EvidenceKind, Outcome
from pmo.governance.models import GateReview


def opened(cast, project=None) -> GateReview:
    return services.gate_review_open(actor=cast.pm, project=project or cast.project)


def in_review(cast, project=None) -> GateReview:
    review = opened(cast, project)
    for evidence in review.gate.evidence.filter(kind=EvidenceKind.DOCUMENT):
        if evidence.applies_to(review.project):
            services.gate_review_confirm(
                actor=cast.pm, review=review, evidence=evidence,
                link="https://sharepoint.example/web/evidence.docx", expected_version=review.version,
            )  # fmt: skip
            review.refresh_from_db()
    return services.gate_review_submit(actor=cast.pm, review=review, expected_version=review.version)


def condition(cast, title="Complete the security test", days=14) -> dict:
    return {
        "title": title,
        "owner": cast.project.project_manager,
        "due": dt.date(2026, 12, 4) + dt.timedelta(days),
    }


def decided(cast, outcome=Outcome.GO, conditions=()) -> GateReview:
    review = in_review(cast)
    return services.gate_review_decide(
        actor=cast.sponsor, review=review, outcome=outcome, notes="Ready", conditions=list(conditions),
        expected_version=review.version,
    )  # fmt: skip
