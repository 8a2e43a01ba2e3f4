"""Tasks over the API: the user's inbox (own tasks and group queues, same selectors as the
page "Meine Aufgaben"), claim and give back. Completing a task with its decision is in
`api.task_completion` (`POST /api/v1/tasks/{id}/complete/`)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.inbox import inbox_entries, task_claim, task_unclaim, visible_task

from .task_completion import node_key


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="task.pk", allow_null=True, default=None)
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    node = serializers.SerializerMethodField(
        help_text="Der Schritt (`kind.node`), z. B. `invoice.factual`; `node` im Body von "
        "`POST /api/v1/tasks/{id}/complete/`. Leer bei Wiedervorlagen."
    )
    title = serializers.CharField()
    subject = serializers.CharField()
    reference = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    deadline_label = serializers.CharField()
    url = serializers.CharField()
    mine = serializers.BooleanField()
    can_claim = serializers.BooleanField()
    can_unclaim = serializers.BooleanField()

    def get_node(self, entry) -> str:
        return node_key(entry.task) if entry.task is not None else ""


class TaskListView(APIView):
    @extend_schema(responses=TaskSerializer(many=True))
    def get(self, request):
        """Own tasks and group-queue tasks, most urgent first; `?kind=invoice` filters."""
        entries = inbox_entries(request.user, kind=request.query_params.get("kind", ""))
        if request.query_params.get("mine") in ("1", "true"):
            entries = [entry for entry in entries if entry.mine]
        return Response(TaskSerializer(entries, many=True).data)


class TaskClaimView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request, pk: int):
        """Take the task from the group queue."""
        task_claim(user=request.user, task=visible_task(request.user, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TaskUnclaimView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request, pk: int):
        """Give one's own task back to the group queue."""
        task_unclaim(user=request.user, task=visible_task(request.user, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
