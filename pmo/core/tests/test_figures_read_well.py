"""On the demo, every figure the head of PMO reads is written the app's one way: no raw
decimals (62,000.0000), no £-1,000, on the main pages, a highlight report's PDF, the
notifications and the daily digest e-mail."""

import html
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core import mail
from django.db.models import F

from pmo.change.models import ChangeRequest
from pmo.core import clock
from pmo.core.formatting import signed_money
from pmo.core.models import Notification, User
from pmo.core.work import digest_message, work_queue
from pmo.reporting.models import Baseline, HighlightReport, ProjectException
from pmo.reporting.selectors import baseline_in_force

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

RAW_DECIMAL = re.compile(r"\d\.\d{3,}")
HYPHEN_MONEY = re.compile(r"£-|-£|£\s*-\d")


def readable(page: str) -> str:
    """What a person reads of an HTML page: its text, without scripts and styles."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def badly_written(text: str) -> list[str]:
    return [m.group(0) for pattern in (RAW_DECIMAL, HYPHEN_MONEY) for m in pattern.finditer(text)]


@pytest.fixture
def head_client(client):
    client.force_login(User.objects.get(username="head"))
    return client


def main_pages() -> list[str]:
    exception = ProjectException.objects.select_related("project").order_by("pk").first()
    project = exception.project
    report = HighlightReport.objects.filter(project=project, submitted_at__isnull=False).latest(
        "submitted_at"
    )
    overspent = (
        HighlightReport.objects.filter(submitted_at__isnull=False, forecast_cost__isnull=False)
        .exclude(forecast_cost=F("project__baselines__budget_at_completion"))
        .order_by("pk")
        .first()
    )
    change = ChangeRequest.objects.order_by("pk").first()
    return [
        "/",
        "/projects/",
        project.get_absolute_url(),
        f"/reporting/projects/{project.code}/",
        report.get_absolute_url(),
        overspent.get_absolute_url(),
        "/dashboard/",
        "/raid/risks/",
        "/changes/",
        change.get_absolute_url(),
        f"/changes/projects/{change.project.code}/",
        Baseline.objects.order_by("pk").first().get_absolute_url(),
        exception.get_absolute_url(),
        "/reporting/exceptions/",
        "/reporting/settings/tolerances/",
        f"/reporting/projects/{project.code}/tolerances/",
        "/notifications/",
    ]


def test_the_main_pages_write_money_days_and_dates_one_way(head_client):
    shown = {}
    for url in main_pages():
        page = head_client.get(url)
        assert page.status_code == 200, url
        shown[url] = badly_written(readable(page.content.decode()))

    assert {url: found for url, found in shown.items() if found} == {}
    money_page = readable(head_client.get("/reporting/settings/tolerances/").content.decode())
    assert "£" in money_page


def test_a_report_pdf_writes_figures_as_the_pages_do(head_client):
    """An underspending report's PDF: its cost variance with a real minus sign, as the pages write it."""
    reports = HighlightReport.objects.filter(submitted_at__isnull=False, forecast_cost__isnull=False)
    report, baseline = next(
        (r, b)
        for r in reports.order_by("-submitted_at")
        if (b := baseline_in_force(r)) is not None and r.forecast_cost < b.budget_at_completion
    )
    pdf = head_client.get(f"{report.get_absolute_url()}pdf/")
    assert pdf.status_code == 200
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf.content)
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout

    variance = signed_money(report.forecast_cost - baseline.budget_at_completion)
    assert variance.startswith("\u2212£")
    assert variance in text
    assert badly_written(text) == []


def test_notifications_and_the_digest_e_mail_write_figures_one_way(head_client):
    notes = list(Notification.objects.values_list("subject", "body"))
    assert notes, "the demo has notifications"
    written = [found for subject, body in notes for found in badly_written(f"{subject}\n{body}")]
    assert written == []

    for username in ("head", "officer", "pm", "sponsor"):
        user = User.objects.get(username=username)
        message = digest_message(user, work_queue(user), clock.today())
        html_body = message.alternatives[0][0]
        assert badly_written(f"{message.subject}\n{message.body}\n{readable(html_body)}") == []
    assert not mail.outbox  # composed, not sent
