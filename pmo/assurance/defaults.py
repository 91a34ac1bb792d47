"""The default health check questionnaire, drawn from the IT PMO's remit (reference seed 000:
"conduct project audits and checkpoint assessments to ensure projects are structured and
managed appropriately to successfully manage the risk of not delivering to time, cost and
quality"): one area per thing a checkpoint looks at, each question with what good looks like."""

DEFAULT_NAME = "Project health check"
DEFAULT_DESCRIPTION = (
    "The PMO's checkpoint assessment: is the project structured and managed so that it can deliver "
    "to time, cost and quality?"
)

# area -> [(question, guidance)]
DEFAULT_AREAS: dict[str, list[tuple[str, str]]] = {
    "Governance": [
        (
            "Is there an active sponsor and a project board that meets and decides?",
            "Named sponsor; board terms of reference; minutes show decisions taken at the right level.",
        ),
        (
            "Has the project passed its lifecycle gates with the evidence each requires?",
            "Gate decisions recorded; conditions tracked to closure.",
        ),
    ],
    "Planning": [
        (
            "Is there an approved baseline plan that is kept current?",
            "Baseline approved; the plan updated at least every reporting period; milestones dated.",
        ),
        (
            "Are dependencies on other projects identified and managed?",
            "Cross-project dependencies logged with owners and need-by dates.",
        ),
    ],
    "RAID": [
        (
            "Are risks and issues logged, owned and reviewed regularly?",
            "Every open risk has an owner, a response and a review within the last month.",
        ),
        (
            "Are actions completed by their due dates?",
            "Few overdue actions; overdue ones escalated.",
        ),
    ],
    "Finance": [
        (
            "Is the budget approved and are actuals and forecasts up to date?",
            "Approved budget; actuals reconciled to the ledger; a forecast at completion this period.",
        ),
    ],
    "Benefits": [
        (
            "Are the expected benefits defined, measurable and owned?",
            "Each benefit has an owner, a measure, a baseline and a target date.",
        ),
    ],
    "Stakeholders": [
        (
            "Are stakeholders identified and engaged according to a plan?",
            "A stakeholder map and a communications plan that is followed.",
        ),
    ],
    "Quality": [
        (
            "Are quality criteria and acceptance agreed, and is testing planned?",
            "Acceptance criteria signed off; test strategy and readiness evidence in place.",
        ),
    ],
}
