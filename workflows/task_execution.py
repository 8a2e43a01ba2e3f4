"""Doing a human task from code (API, split/merge): the steps Viewflow's task pages take.

The pages run inside Viewflow's task view wrapper, which locks the process, checks
`can_execute` and starts the task before the view calls the service and
`request.activation.execute()`. `task_execute` does the same for callers without a task page,
and assigns a free task first, as opening an item or application page does.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task

T = TypeVar("T")

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def _refusal(node, user, task: Task) -> str:
    """Why `user` may not take `task`; a node may explain it with `refusal(user, task)`."""
    explain = getattr(node, "refusal", None)
    reason = explain(user, task) if explain is not None else ""
    return reason or _("Sie dürfen diese Aufgabe nicht bearbeiten.")


def task_execute(*, user, task: Task, perform: Callable[[], T]) -> T:
    """Call `perform` (the node's service) and complete `task` for `user`, atomically under
    the flow's lock. A free task is assigned to `user` if the node lets them take it; a task
    that is done or someone else's is refused (PermissionDenied, German)."""
    node = task.flow_task
    with node.flow_class.lock(task.process_id), transaction.atomic():
        task.refresh_from_db()
        if task.status not in OPEN:
            raise PermissionDenied(_("Diese Aufgabe ist bereits erledigt."))
        activation = node.activation_class(task)
        if task.status == STATUS.NEW:
            if not node.can_assign(user, task):
                raise PermissionDenied(_refusal(node, user, task))
            activation.assign(user)
        if not node.can_execute(user, task):
            if task.owner_id not in (None, user.pk):
                raise PermissionDenied(
                    _("Diese Aufgabe bearbeitet %(name)s.")
                    % {"name": task.owner.get_full_name() or task.owner.get_username()}
                )
            raise PermissionDenied(_refusal(node, user, task))
        if task.status == STATUS.ASSIGNED:
            activation.start(None)
        result = perform()
        activation.execute()
    return result
