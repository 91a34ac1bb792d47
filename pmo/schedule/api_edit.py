"""Editing plans over REST: ``/api/v1/tasks/`` read a task (``GET …/{id}/``, with its plan's
``version`` and its ``predecessors`` in MS Project's notation), change it (``PATCH``), add one
(``POST``, naming the project) and delete one (``DELETE``), each through the same service as the
Plan tab (``services_edit``): the plan's MS Project document is changed and scheduled again, all
or nothing, errors naming the task and field; the version is the plan's (body or ``If-Match``),
a stale one is a 409."""

from typing import Any, ClassVar, cast

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.core.api import expected_version, optional_expected_version
from pmo.core.models import User
from pmo.engine import plan_edit
from pmo.portfolio.api import IF_MATCH, UPDATE_ERRORS, ProjectCodeField
from pmo.schedule import api, services_edit
from pmo.schedule.choices import Constraint
from pmo.schedule.models import Plan, PlanLink, PlanTask

NO_PLAN = "{project} has no plan to add a task to."
NO_ID = "There is no task with ID {row} in the plan."
MAX_ID = 2**31 - 1
DAY_HELP = "A day: a start is at the first working moment of it, a finish at the last."
DURATION_HELP = "As MS Project writes it: 5d, 3w, 4h, 30m, 2mo; 2ed for elapsed days; 0 makes a milestone."
PREDECESSORS_HELP = (
    "Task IDs (row numbers) with a type and lag, as MS Project writes them: 3, 5SS, 7FS+2d, 9SS+50%."
)


class TaskDetailSerializer(api.TaskSerializer):
    """A task as the schedule dates it, with the row's ``id``, the plan's ``version`` (send it back
    to change the task) and its ``predecessors`` in MS Project's notation."""

    version = serializers.IntegerField(source="plan.version", read_only=True, help_text="The plan's version.")
    predecessors = serializers.SerializerMethodField(help_text=PREDECESSORS_HELP)

    class Meta(api.TaskSerializer.Meta):
        fields: ClassVar[list[str]] = ["id", *api.TaskSerializer.Meta.fields, "predecessors", "version"]
        read_only_fields = fields

    def get_predecessors(self, task: PlanTask) -> str:
        links = list(
            PlanLink.objects.filter(plan_id=task.plan_id, successor_uid=task.uid)
            .order_by("pk")
            .values_list("predecessor_uid", "type", "lag", "lag_percent")
        )
        rows = dict(
            PlanTask.objects.filter(plan_id=task.plan_id, uid__in=[link[0] for link in links]).values_list(
                "uid", "row"
            )
        )
        return plan_edit.format_predecessors(
            [(rows[uid], kind, lag, percent) for uid, kind, lag, percent in links if uid in rows],
            plan_edit.EIGHT_HOUR_DAYS,
        )


class TaskChangeSerializer(serializers.Serializer):
    """What a ``PATCH`` may change (any of them), in MS Project's notation."""

    name = serializers.CharField(max_length=plan_edit.NAME_LENGTH, required=False)
    duration = serializers.CharField(max_length=40, required=False, help_text=DURATION_HELP)
    predecessors = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text=PREDECESSORS_HELP
    )
    constraint = serializers.ChoiceField(choices=Constraint.choices, required=False)
    constraint_date = serializers.DateField(required=False, allow_null=True, help_text=DAY_HELP)
    percent_complete = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )
    actual_start = serializers.DateField(required=False, allow_null=True, help_text=DAY_HELP)
    actual_finish = serializers.DateField(required=False, allow_null=True, help_text=DAY_HELP)
    version = serializers.IntegerField(required=False, help_text="The plan's version you read (or If-Match).")


class TaskAddSerializer(serializers.Serializer):
    """A new task (or milestone) of a project's plan, after the task with ID ``after`` and the
    tasks under it, or at the end."""

    project = ProjectCodeField()
    name = serializers.CharField(max_length=plan_edit.NAME_LENGTH)
    duration = serializers.CharField(max_length=40, required=False, default="1d", help_text=DURATION_HELP)
    predecessors = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="", help_text=PREDECESSORS_HELP
    )
    milestone = serializers.BooleanField(required=False, default=False)
    after = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="A task ID; none: at the end.",
    )
    version = serializers.IntegerField(required=False, help_text="The plan's version you read (or If-Match).")


@extend_schema_view(
    retrieve=extend_schema(responses={200: TaskDetailSerializer, 404: UPDATE_ERRORS[404]}),
    create=extend_schema(request=TaskAddSerializer, responses={201: TaskDetailSerializer, **UPDATE_ERRORS}),
    partial_update=extend_schema(
        request=TaskChangeSerializer,
        parameters=[IF_MATCH],
        responses={200: TaskDetailSerializer, **UPDATE_ERRORS},
    ),
    destroy=extend_schema(
        parameters=[IF_MATCH],
        responses={
            204: OpenApiResponse(description="Deleted."),
            **{k: v for k, v in UPDATE_ERRORS.items() if k != 400},
        },
    ),
)
class TaskViewSet(mixins.RetrieveModelMixin, api.TaskViewSet):
    """Every task of the plans you may see, in plan order (``project=CODE`` for one plan;
    ``critical=true`` for the critical path); one task with its plan's ``version``; ``PATCH``
    changes it, ``POST`` adds one, ``DELETE`` deletes one (the project's manager or the PMO):
    the plan is scheduled again at once."""

    http_method_names = ["get", "head", "options", "post", "patch", "delete"]

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return api.TaskSerializer if self.action == "list" else TaskDetailSerializer

    @property
    def actor(self) -> User:
        return cast(User, self.request.user)

    def _answer(self, plan: Plan, uid: int, code: int = status.HTTP_200_OK) -> Response:
        task = self.get_queryset().get(plan=plan, uid=uid)
        response = Response(
            TaskDetailSerializer(task, context=self.get_serializer_context()).data, status=code
        )
        response["ETag"] = f'"{task.plan.version}"'
        return response

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = self.get_object()
        body = TaskChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = {name: value for name, value in body.validated_data.items() if name != "version"}
        if "percent_complete" in fields:
            fields["percent_complete"] = float(fields["percent_complete"])
        services_edit.plan_task_change(
            actor=self.actor,
            plan=task.plan,
            uid=task.uid,
            fields=fields,
            expected_version=expected_version(request),
        )
        return self._answer(task.plan, task.uid)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = TaskAddSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        plan = Plan.objects.filter(project=data["project"]).first()
        if plan is None:
            raise serializers.ValidationError({"project": [NO_PLAN.format(project=data["project"])]})
        after = None
        if data.get("after") is not None:
            after = (
                PlanTask.objects.filter(plan=plan, row=data["after"]).values_list("uid", flat=True).first()
            )
            if after is None:
                raise serializers.ValidationError({"after": [NO_ID.format(row=data["after"])]})
        plan, uid = services_edit.plan_task_add(
            actor=self.actor,
            plan=plan,
            name=data["name"],
            duration=data["duration"],
            predecessors=data["predecessors"],
            milestone=data["milestone"],
            after=after,
            expected_version=expected_version(request),
        )
        return self._answer(plan, uid, status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = self.get_object()
        services_edit.plan_task_delete(
            actor=self.actor,
            plan=task.plan,
            uid=task.uid,
            expected_version=optional_expected_version(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
