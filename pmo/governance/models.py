"""Lifecycle gates: what a project must show to enter each stage (``Gate`` and its
``GateEvidence``), the reviews that judge it (``GateReview`` with its confirmations, reviewers'
assessments and conditions) and the PMO's recorded overrides (``StageOverride``); the boards
that hold projects to account (``Board``, its ``BoardMember``s) and their meetings (``Meeting``
with its ``AgendaItem``s, ``MeetingAttendance`` and ``Minute``s)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from pmo.change.models import ChangeRequest
from pmo.core.models import DomainModel
from pmo.core.text_limits import DESCRIPTION, NOTE, BoundedJSONField, BoundedTextField
from pmo.governance.choices import (
    AGENDA_FEEDS,
    AgendaSource,
    AttendanceStatus,
    AutomaticCheck,
    BoardKind,
    Cadence,
    EvidenceKind,
    GateAuthority,
    ItemStatus,
    MeetingStatus,
    MemberRole,
    MinuteKind,
    Outcome,
    ReviewStatus,
)
from pmo.portfolio.choices import Methodology, SizeTier
from pmo.portfolio.models import LifecycleStage, Person, Portfolio, Project
from pmo.raid.models import Action, Decision
from pmo.reporting.models import ProjectException

TIER_ORDER = [tier.value for tier in SizeTier]
EVIDENCE_NAME_TAKEN = "{gate} already asks for “{name}”: give this evidence another name."
CHECK_NEEDED = "Choose the record the system checks."
NO_CHECK_FOR_DOCUMENT = "A document is confirmed by the reviewer: leave the check empty."
UNKNOWN_VALUES = "{values} {are} not one of {known}."


def _known(values: list[str], choices: type[models.TextChoices]) -> None:
    unknown = [v for v in values if v not in choices.values]
    if unknown:
        raise ValidationError(
            UNKNOWN_VALUES.format(
                values=", ".join(map(str, unknown)),
                are="is" if len(unknown) == 1 else "are",
                known=", ".join(choices.values),
            )
        )


def tiers_valid(values: list[str]) -> None:
    _known(values, SizeTier)


def methodologies_valid(values: list[str]) -> None:
    _known(values, Methodology)


def feeds_valid(values: list[str]) -> None:
    known = [feed.value for feed in AGENDA_FEEDS]
    unknown = [v for v in values if v not in known]
    if unknown:
        raise ValidationError(
            UNKNOWN_VALUES.format(
                values=", ".join(map(str, unknown)),
                are="is" if len(unknown) == 1 else "are",
                known=", ".join(known),
            )
        )


class Gate(DomainModel):
    """The gate into a lifecycle stage (named by the stage's ``gate_name``): its criteria and who
    decides it. Projects of ``board_from_tier`` and larger are decided by the board (recorded by
    the PMO head), smaller ones by their sponsor."""

    stage = models.OneToOneField(LifecycleStage, on_delete=models.CASCADE, related_name="gate")
    criteria = BoundedTextField(blank=True, limit=DESCRIPTION, help_text="What the reviewers judge.")
    board_from_tier = models.CharField(
        "the board decides from size tier",
        max_length=10,
        choices=SizeTier.choices,
        default=SizeTier.LARGE,
        help_text="Projects of this size tier and larger go to the board; smaller ones to their sponsor.",
    )

    notice_days = models.PositiveSmallIntegerField(
        "review opened (days before due)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="The project manager's work queue asks for a review this many days before the gate.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["stage__order"]

    def __str__(self) -> str:
        return self.stage.gate_name or f"Gate into {self.stage}"

    def get_absolute_url(self) -> str:
        return reverse("governance:gate_detail", args=[self.pk])

    def authority_for(self, project: Project) -> GateAuthority:
        board = TIER_ORDER.index(project.size_tier) >= TIER_ORDER.index(self.board_from_tier)
        return GateAuthority.BOARD if board else GateAuthority.SPONSOR


class GateEvidence(DomainModel):
    """One piece of evidence a gate requires, for some size tiers and methodologies (all where
    none is named): a document the reviewer confirms with a link or note, or a record the
    system checks (``automatic``; ``within_days`` for the RAID review)."""

    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, related_name="evidence")
    name = models.CharField(max_length=150)
    description = BoundedTextField(blank=True, limit=DESCRIPTION)
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices, default=EvidenceKind.DOCUMENT)
    automatic = models.CharField("automatic check", max_length=25, choices=AutomaticCheck.choices, blank=True)
    within_days = models.PositiveSmallIntegerField(
        "reviewed within (days)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="For the RAID log check: every open risk and issue reviewed within this many days.",
    )
    size_tiers = BoundedJSONField(
        default=list, blank=True, limit=NOTE, validators=[tiers_valid], help_text="Empty: every size tier."
    )
    methodologies = BoundedJSONField(
        default=list,
        blank=True,
        limit=NOTE,
        validators=[methodologies_valid],
        help_text="Empty: every methodology.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["gate", "order", "pk"]
        verbose_name_plural = "gate evidence"
        constraints = [models.UniqueConstraint(fields=["gate", "name"], name="gate_evidence_name_unique")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.gate.get_absolute_url()

    def clean(self) -> None:
        if (
            self.gate_id
            and GateEvidence.objects.filter(gate_id=self.gate_id, name=self.name).exclude(pk=self.pk).exists()
        ):
            raise ValidationError({"name": EVIDENCE_NAME_TAKEN.format(gate=self.gate, name=self.name)})
        if self.kind == EvidenceKind.CHECK and not self.automatic:
            raise ValidationError({"automatic": CHECK_NEEDED})
        if self.kind == EvidenceKind.DOCUMENT and self.automatic:
            raise ValidationError({"automatic": NO_CHECK_FOR_DOCUMENT})

    def applies_to(self, project: Project) -> bool:
        return (not self.size_tiers or project.size_tier in self.size_tiers) and (
            not self.methodologies or project.methodology in self.methodologies
        )

    @property
    def applies_label(self) -> str:
        tiers = ", ".join(SizeTier(t).label for t in self.size_tiers) or "all sizes"
        ways = ", ".join(Methodology(m).label for m in self.methodologies) or "all methodologies"
        return f"{tiers}; {ways}"


class GateReview(DomainModel):
    """A project's review at a gate: evidence collected, reviewers' assessments, a decision by
    the authority the gate requires for the project's size (``authority``, fixed when opened),
    then closed once its conditions are done."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="gate_reviews")
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    authority = models.CharField("decided by", max_length=10, choices=GateAuthority.choices)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_on = models.DateField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_notes = BoundedTextField(blank=True, limit=NOTE)
    closed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        indexes = [models.Index(fields=["project", "gate", "status"]), models.Index(fields=["status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "gate"],
                condition=models.Q(status__in=["open", "in_review"]),
                name="one_open_gate_review",
                violation_error_message="This project already has an open review at this gate.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.project.code}: {self.gate}"

    @property
    def reference(self) -> str:
        return f"GR-{self.pk}" if self.pk else "GR-new"

    def get_absolute_url(self) -> str:
        return reverse("governance:review_detail", args=[self.pk])


class GateEvidenceConfirmation(DomainModel):
    """A document evidence item confirmed for a review: where it is and who confirmed it."""

    review = models.ForeignKey(GateReview, on_delete=models.CASCADE, related_name="confirmations")
    evidence = models.ForeignKey(GateEvidence, on_delete=models.PROTECT, related_name="+")
    link = models.URLField(blank=True, max_length=500)
    note = BoundedTextField(blank=True, limit=NOTE)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "evidence"], name="one_confirmation_per_evidence")
        ]

    def __str__(self) -> str:
        return f"{self.evidence} ({self.review.reference})"

    def get_absolute_url(self) -> str:
        return self.review.get_absolute_url()


class GateAssessment(DomainModel):
    """One reviewer's assessment of a review: a recommendation and why."""

    review = models.ForeignKey(GateReview, on_delete=models.CASCADE, related_name="assessments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recommendation = models.CharField(max_length=20, choices=Outcome.choices)
    comment = BoundedTextField(limit=NOTE)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "reviewer"], name="one_assessment_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.get_recommendation_display()}"

    def get_absolute_url(self) -> str:
        return self.review.get_absolute_url()


class GateCondition(DomainModel):
    """A condition of a "go with conditions", tracked as a RAID action of the project."""

    review = models.ForeignKey(GateReview, on_delete=models.CASCADE, related_name="conditions")
    action = models.OneToOneField(Action, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.review.reference}: {self.action}"

    def get_absolute_url(self) -> str:
        return self.review.get_absolute_url()


class StageOverride(DomainModel):
    """A project moved to a stage by the PMO head without a passed gate, and why."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="stage_overrides")
    from_stage = models.ForeignKey(LifecycleStage, on_delete=models.PROTECT, related_name="+")
    to_stage = models.ForeignKey(LifecycleStage, on_delete=models.PROTECT, related_name="+")
    reason = BoundedTextField(limit=NOTE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.from_stage} → {self.to_stage} (override)"

    def get_absolute_url(self) -> str:
        return reverse("governance:project_gates", args=[self.project.code])


# Boards and meetings ----------------------------------------------------------------------------

QUORUM_ABOVE_MEMBERS = "The quorum ({quorum}) is more than the board's {voting} voting members."
PROJECT_BOARD_NEEDS_PROJECT = "A project board is the board of one project: name it."
ONLY_PROJECT_BOARD = "Only a project board is the board of one project."


class Board(DomainModel):
    """A governance board: its terms of reference, how often it meets (``cadence``, the step of
    its series of meetings), how many voting members make a quorum, and what it oversees (a
    portfolio, one project for a project board, or the whole organisation). ``feeds`` names the
    parts of the live portfolio its agendas read (empty: all of them)."""

    name = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=20, choices=BoardKind.choices, default=BoardKind.PORTFOLIO_REVIEW)
    terms_of_reference = BoundedTextField(blank=True, limit=DESCRIPTION)
    cadence = models.CharField(max_length=12, choices=Cadence.choices, default=Cadence.MONTHLY)
    quorum = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="How many voting members (chair and members) must be present for the board to decide.",
    )
    portfolio = models.ForeignKey(
        Portfolio,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The portfolio it oversees (empty: every portfolio). Its decisions without a "
        "project go to this portfolio's RAID logs.",
    )
    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A project board's project.",
    )
    feeds = BoundedJSONField(
        "agenda feeds",
        default=list,
        blank=True,
        limit=NOTE,
        validators=[feeds_valid],
        help_text="What its agendas read from the live portfolio. Empty: all of it.",
    )
    location = models.CharField(max_length=200, blank=True, help_text="Where it usually meets.")
    duration_minutes = models.PositiveSmallIntegerField(
        "usual length (minutes)", default=90, validators=[MinValueValidator(15), MaxValueValidator(600)]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:board_detail", args=[self.pk])

    def clean(self) -> None:
        if self.kind == BoardKind.PROJECT_BOARD and self.project_id is None:
            raise ValidationError({"project": PROJECT_BOARD_NEEDS_PROJECT})
        if self.kind != BoardKind.PROJECT_BOARD and self.project_id is not None:
            raise ValidationError({"project": ONLY_PROJECT_BOARD})

    @property
    def active_feeds(self) -> list[str]:
        return list(self.feeds) or [feed.value for feed in AGENDA_FEEDS]


class BoardMember(DomainModel):
    """A person's seat on a board: the chair and members vote (and make the quorum), the
    secretary runs the meetings' paperwork, attendees come without a vote."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)

    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "role", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "person"],
                name="one_seat_per_person",
                violation_error_message="This person already has a seat on this board.",
            ),
            models.UniqueConstraint(
                fields=["board"],
                condition=models.Q(role="chair"),
                name="one_chair_per_board",
                violation_error_message="This board already has a chair.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"

    def get_absolute_url(self) -> str:
        return self.board.get_absolute_url()


class Meeting(DomainModel):
    """A meeting of a board: scheduled → agenda issued → held → minutes approved (then frozen),
    or cancelled (``pmo.governance.workflows.MEETING``)."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField("starts")
    duration_minutes = models.PositiveSmallIntegerField(
        "length (minutes)", default=90, validators=[MinValueValidator(15), MaxValueValidator(600)]
    )
    location = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    agenda_issued_at = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = BoundedTextField("why cancelled", blank=True, limit=NOTE)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["board", "starts_at"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.board} — {timezone.localtime(self.starts_at):%-d %b %Y}"

    @property
    def reference(self) -> str:
        return f"MTG-{self.pk}" if self.pk else "MTG-new"

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting_detail", args=[self.pk])


class AgendaItem(DomainModel):
    """An item of a meeting's agenda: added by hand, carried forward from the board's previous
    meeting, or read from the live portfolio (``source``; ``source_key`` names the record, so a
    rebuilt agenda never lists it twice). ``paper`` is what members read beforehand."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=20, choices=AgendaSource.choices, default=AgendaSource.MANUAL)
    source_key = models.CharField(max_length=40, blank=True, editable=False)
    title = models.CharField(max_length=200)
    paper = BoundedTextField(blank=True, limit=DESCRIPTION, help_text="What members read beforehand.")
    paper_url = models.CharField(max_length=500, blank=True, help_text="Where the paper or record is.")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    presenter = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    gate_review = models.ForeignKey(
        GateReview, null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    change_request = models.ForeignKey(
        ChangeRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exception = models.ForeignKey(
        ProjectException, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "source_key"],
                condition=~models.Q(source_key=""),
                name="agenda_item_once_per_meeting",
                violation_error_message="This record is already on the meeting's agenda.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#item-{self.pk}"


class MeetingAttendance(DomainModel):
    """Whether a board member was at a meeting: present, sent apologies, or absent."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(BoardMember, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "member__person__name"]
        verbose_name_plural = "meeting attendance"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member.person}: {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return self.meeting.get_absolute_url()


class Minute(DomainModel):
    """What a meeting recorded against an agenda item: a minute of the discussion, a decision
    (also in the RAID decision log, ``decision``), or an action (a RAID action, ``action``)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="minutes")
    kind = models.CharField(max_length=10, choices=MinuteKind.choices, default=MinuteKind.NOTE)
    text = BoundedTextField(limit=DESCRIPTION)
    outcome = models.CharField(
        max_length=20, blank=True, help_text="The decision's outcome, for a gate or change."
    )
    decision = models.OneToOneField(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.OneToOneField(Action, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return self.item.get_absolute_url()
