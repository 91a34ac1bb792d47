"""Change control over REST (``/api/v1/``): change requests through their workflow (raise →
assess → approve / reject / defer → implement), and the delegated limits.

Reads go through ``pmo.change.selectors``, writes through ``pmo.change.services``: the
service decides who may decide a change (the authority its assessment found), so a refusal
names the authority needed; approving a change with a time, cost or benefits impact answers
with the project's new baseline (its id, number and address)."""

from typing import Any, ClassVar

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.change import selectors, services
from pmo.change.choices import Authority, ChangeStatus, ChangeType, Decision
from pmo.change.models import ChangeRequest, ChangeSettings
from pmo.change.workflows import CHANGE_REQUEST, judge_all, judged
from pmo.core.api import expected_version, model_text
from pmo.core.workflow import ActionsField
from pmo.portfolio.api import IF_MATCH, UPDATE_ERRORS, WRITE_ERRORS, ProjectCodeField, VersionedSerializer
from pmo.portfolio.api_records import (
    ProjectRecordFilter,
    ProjectRecordSerializer,
    RecordViewSet,
    SettingsViewSet,
    action_schema,
    settings_schema,
    user_name,
)
from pmo.raid.models import Issue
from pmo.reporting.models import Baseline

NOTES_REQUIRED = services.NOTES_REQUIRED
VERSION_HELP = "The version you are changing (or send an If-Match header)."


class BaselineLinkSerializer(serializers.ModelSerializer):
    """The baseline version an approved change made."""

    url = serializers.HyperlinkedIdentityField(view_name="api:baseline-detail")

    class Meta:
        model = Baseline
        fields = ["id", "number", "url"]


class ChangeRequestSerializer(ProjectRecordSerializer):
    """A request to change a project's scope, time, cost or quality: what and why, its impact,
    options and recommendation, then who must decide (``authority``, set by the assessment from
    the delegated limits), the decision and the new baseline it made, and its implementation.
    On create, the impact may be given already; the workflow fields are read-only."""

    url = serializers.HyperlinkedIdentityField(view_name="api:change-request-detail")
    reference = serializers.CharField(read_only=True, help_text="The change's reference, e.g. CR-7.")
    web_url = serializers.CharField(source="get_absolute_url", read_only=True, help_text="Its web page.")
    issue = serializers.PrimaryKeyRelatedField(
        queryset=Issue.objects.all(),
        required=False,
        allow_null=True,
        help_text="The id of the request-for-change issue it came from, if any.",
    )
    issue_reference = serializers.CharField(source="issue.reference", read_only=True, allow_null=True)
    raised_by_name = user_name("raised_by")
    authority_label = serializers.CharField(source="get_authority_display", read_only=True)
    assessed_by_name = user_name("assessed_by")
    decided_by_name = user_name("decided_by")
    new_baseline = BaselineLinkSerializer(read_only=True, allow_null=True)
    actions = ActionsField(
        CHANGE_REQUEST,
        help_text=(
            "What the signed-in user may do to this change now, by its workflow's table (the "
            "services refuse anything else): edit is a PATCH, approve, reject and defer are the "
            "decisions of POST …/decide/, assess and implement their own actions. Read on its "
            "own, a change judges an approval with the changes approved since its assessment; "
            "a list judges it by the assessment."
        ),
    )

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "url",
            "reference",
            "web_url",
            "project",
            "project_name",
            "title",
            "change_type",
            "description",
            "reason",
            "issue",
            "issue_reference",
            "status",
            "actions",
            "raised_by",
            "raised_by_name",
            "raised_on",
            *sorted(services.ASSESS_FIELDS),
            "authority",
            "authority_label",
            "assessed_by",
            "assessed_by_name",
            "assessed_at",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "decision_notes",
            "new_baseline",
            "implemented_on",
            "implementation_notes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "raised_by",
            "raised_on",
            "authority",
            "assessed_by",
            "assessed_at",
            "decided_by",
            "decided_at",
            "decision_notes",
            "implemented_on",
            "implementation_notes",
        ]


class ChangeRequestChangeSerializer(ChangeRequestSerializer):
    """On a change, the project stays; an assessed change is re-assessed."""

    project = ProjectCodeField(read_only=True)


class ChangeAssessmentSerializer(serializers.ModelSerializer):
    """The change's impact, options and recommendation (what is not sent stays as it is)."""

    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = ChangeRequest
        fields = ["version", *sorted(services.ASSESS_FIELDS)]


class ChangeDecisionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)
    decision = serializers.ChoiceField(choices=Decision.choices)
    notes = model_text(
        ChangeRequest,
        "decision_notes",
        error_messages={"required": NOTES_REQUIRED, "blank": NOTES_REQUIRED},
        help_text="The reasons for the decision.",
    )


class ChangeImplementationSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)
    notes = model_text(
        ChangeRequest,
        "implementation_notes",
        required=False,
        allow_blank=True,
        default="",
        help_text="What was done.",
    )


class ChangeRequestFilter(ProjectRecordFilter):
    status = django_filters.MultipleChoiceFilter(choices=ChangeStatus.choices, distinct=False)
    authority = django_filters.MultipleChoiceFilter(choices=Authority.choices, distinct=False)
    change_type = django_filters.MultipleChoiceFilter(choices=ChangeType.choices, distinct=False)

    class Meta:
        model = ChangeRequest
        fields: ClassVar[list[str]] = []


class CumulativeSerializer(serializers.Serializer):
    """A change judged with the changes approved under delegated authority since the board (or
    the PMO, for the stage) last approved a baseline: who must approve it, and why."""

    since_baseline = serializers.IntegerField(
        allow_null=True, help_text="The number of the last baseline the board or the PMO approved."
    )
    approved = serializers.ListField(
        child=serializers.CharField(), help_text="The changes approved since, by reference (CR-3…)."
    )
    days = serializers.IntegerField(help_text="Days the finish moves, with this change.")
    cost = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="£, with this change.")
    benefits = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="£, with this change.")
    time_tolerance = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, help_text="The project's time tolerance, days."
    )
    cost_tolerance = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, help_text="The project's cost tolerance, £."
    )
    authority = serializers.ChoiceField(
        choices=Authority.choices,
        help_text="Who must approve it: the higher of what its own size and the total need.",
    )
    reason = serializers.CharField(help_text="Why that authority.")


def _changes_schema() -> dict[str, Any]:
    return {
        "create": extend_schema(responses={201: ChangeRequestSerializer, **WRITE_ERRORS}),
        "partial_update": extend_schema(
            request=ChangeRequestChangeSerializer,
            parameters=[IF_MATCH],
            responses={200: ChangeRequestSerializer, **UPDATE_ERRORS},
        ),
    }


@extend_schema_view(
    **_changes_schema(),
    assess=action_schema(ChangeRequestSerializer, ChangeAssessmentSerializer),
    decide=action_schema(ChangeRequestSerializer, ChangeDecisionSerializer),
    implement=action_schema(ChangeRequestSerializer, ChangeImplementationSerializer),
)
@extend_schema(tags=["change-requests"])
class ChangeRequestViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, RecordViewSet):
    """The change log, every project's (``project=CODE`` for one). The project's manager or
    sponsor, or the PMO, raises a change (``POST``) and may correct it (``PATCH``) until it is
    decided; ``assess`` sets out its impact, after which the delegated limits say who must
    ``decide`` it (``authority``: the project manager, the sponsor, or the board recorded by the
    PMO head); ``implement`` records an approved change as made."""

    queryset = ChangeRequest.objects.none()
    serializer_class = ChangeRequestSerializer
    change_serializer_class = ChangeRequestChangeSerializer
    filterset_class = ChangeRequestFilter
    search_fields = ["title", "description", "project__code", "project__name"]
    ordering_fields = ["raised_on", "project", "status", "authority", "decided_at"]
    ordering_aliases: ClassVar[dict[str, str]] = {"project": "project__code"}
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[ChangeRequest]:
        return selectors.change_request_list(user=self.request.user).select_related("assessed_by", "issue")

    def get_object(self) -> ChangeRequest:
        """One change request; read on its own, its ``actions`` judge an approval with the
        changes approved since its assessment, as its page and the decision do."""
        change: ChangeRequest = super().get_object()
        if self.action == "retrieve":
            judged(change)
        return change

    def paginate_queryset(self, queryset: QuerySet[ChangeRequest]) -> list[ChangeRequest] | None:
        """A page of the change log, each change's ``actions`` judged as its decision will be."""
        found = super().paginate_queryset(queryset)
        if found is not None and self.action == "list":
            judge_all(found)
        return found

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = self._body(ChangeRequestSerializer)
        project = fields.pop("project")
        change = services.change_request_raise(actor=self.actor, project=project, fields=fields)
        return self._represent(change, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        version, fields = self._changes(instance, partial=True)
        change = services.change_request_update(
            actor=self.actor, change=instance, fields=fields, expected_version=version
        )
        return self._represent(change)

    @action(detail=True, methods=["post"], filter_backends=[])
    def assess(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Set out the change's impact, options and recommendation; the delegated limits then
        say who must decide it, and they are told."""
        change = self.get_object()
        fields = self._body(ChangeAssessmentSerializer)
        fields.pop("version", None)
        assessed = services.change_request_assess(
            actor=self.actor, change=change, fields=fields, expected_version=expected_version(request)
        )
        return self._represent(assessed)

    @action(detail=True, methods=["post"], filter_backends=[])
    def decide(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Approve, reject or defer an assessed change (whoever holds the authority it needs).
        Approving one with a time, cost or benefits impact makes the project's next baseline."""
        change = self.get_object()
        body = self._body(ChangeDecisionSerializer)
        decided = services.change_request_decide(
            actor=self.actor,
            change=change,
            decision=Decision(body["decision"]),
            notes=body["notes"],
            expected_version=expected_version(request),
        )
        return self._represent(decided)

    @extend_schema(responses={200: CumulativeSerializer}, filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def cumulative(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The change with those approved under delegated authority since the last baseline the
        board (or the PMO) approved, against the project's tolerances: who must approve it now."""
        change = self.get_object()
        total = selectors.cumulative_change(change, selectors.change_settings())
        body = {
            "since_baseline": total.since.number if total.since else None,
            "approved": [c.reference for c in total.approved],
            "days": total.days,
            "cost": total.cost,
            "benefits": total.benefits,
            "time_tolerance": total.allowances["time"],
            "cost_tolerance": total.allowances["cost"],
            "authority": total.authority,
            "reason": services.why(total),
        }
        return Response(CumulativeSerializer(body).data)

    @action(detail=True, methods=["post"], filter_backends=[])
    def implement(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record that an approved change has been made."""
        change = self.get_object()
        body = self._body(ChangeImplementationSerializer)
        implemented = services.change_request_implement(
            actor=self.actor, change=change, notes=body["notes"], expected_version=expected_version(request)
        )
        return self._represent(implemented)


class ChangeSettingsSerializer(VersionedSerializer):
    """The delegated limits: what a project manager approves alone (days of delay, £ of cost),
    and whether the sponsor approves changes within the project's tolerances (else the board)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:change-settings-detail")

    class Meta:
        model = ChangeSettings
        fields = ["id", "url", *sorted(services.SETTINGS_FIELDS), "version", "created_at", "updated_at"]
        extra_kwargs = {"pm_max_cost": {"error_messages": {"min_value": "This cannot be negative."}}}


def change_settings_list(*, user: Any) -> QuerySet[ChangeSettings]:
    """The one row of delegated limits (made with the defaults if missing)."""
    return ChangeSettings.objects.filter(pk=selectors.change_settings().pk).order_by("pk")


@settings_schema(ChangeSettingsSerializer, "change-settings")
class ChangeSettingsViewSet(SettingsViewSet):
    """The delegated limits of change control. Only the PMO head changes them."""

    queryset = ChangeSettings.objects.none()
    serializer_class = ChangeSettingsSerializer
    selector = staticmethod(change_settings_list)
    updater = staticmethod(services.change_settings_update)
