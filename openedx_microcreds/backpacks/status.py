"""What the learner's page shows about backpacks: the connect form's choices, each of their
connections with its state, and per credential where each delivery stands. Every function takes
the learner's user id and reads their own rows only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import OutboxMessage
from . import hosts
from .models import BackpackConnection, connection_id_of

State = OutboxMessage.State


@dataclass(frozen=True)
class ConnectionView:
    id: int
    name: str
    base_url: str
    state: str  # "connected", "reconnect", "new"
    label: str
    problem: str
    connected_at: datetime | None
    allowed: bool


@dataclass(frozen=True)
class DeliveryView:
    host: str
    state: str  # "sent", "sending", "retrying", "failed", "skipped"
    words: str
    when: datetime | None = None
    detail: str = ""


@dataclass
class BackpackPage:
    enabled: bool
    offered: list[hosts.OfferedHost] = field(default_factory=list)
    typing_allowed: bool = False
    connections: list[ConnectionView] = field(default_factory=list)


def page(user_id: int) -> BackpackPage:
    connections = connections_of(user_id)
    if not hosts.enabled() and not connections:
        return BackpackPage(enabled=False)
    try:
        offered = hosts.offered()
    except hosts.HostSettingError:
        offered = []  # the system check reports it to the operator
    connected = {view.base_url for view in connections if view.state != "new"}
    return BackpackPage(
        enabled=True,
        offered=[host for host in offered if host.url not in connected],
        typing_allowed=hosts.typing_allowed(),
        connections=connections,
    )


_STATE_LABELS = {
    BackpackConnection.State.CONNECTED: gettext_lazy("Connected"),
    BackpackConnection.State.RECONNECT: gettext_lazy("Needs reconnecting"),
    BackpackConnection.State.NEW: gettext_lazy("Not finished"),
}


def connections_of(user_id: int) -> list[ConnectionView]:
    rows = BackpackConnection.objects.select_related("host").filter(user_id=user_id)
    return [
        ConnectionView(
            id=row.pk,
            name=row.host.label,
            base_url=row.host.base_url,
            state=row.state,
            label=str(_STATE_LABELS.get(row.state, row.state)),
            problem=row.problem,
            connected_at=row.connected_at,
            allowed=hosts.is_allowed(row.host.base_url),
        )
        for row in rows
    ]


def deliveries(user_id: int, award_ids: list[int]) -> dict[int, list[DeliveryView]]:
    """For each award, the latest message to each of the learner's current connections."""
    if not award_ids:
        return {}
    labels = {
        pk: name or url
        for pk, name, url in BackpackConnection.objects.filter(user_id=user_id).values_list(
            "pk", "host__name", "host__base_url"
        )
    }
    if not labels:
        return {}
    latest: dict[tuple[int, str], dict] = {}
    rows = (
        OutboxMessage.objects.filter(award_id__in=award_ids, channel__startswith="ob3:")
        .order_by("created", "pk")
        .values("award_id", "channel", "state", "attempts", "sent_at", "due_at", "last_error")
    )
    for row in rows:
        connection_id = connection_id_of(row["channel"])
        if connection_id in labels:
            latest[(row["award_id"], row["channel"])] = row | {"connection": connection_id}
    found: dict[int, list[DeliveryView]] = {}
    for (award_id, _channel), row in sorted(latest.items()):
        found.setdefault(award_id, []).append(_view(labels[row["connection"]], row))
    return found


def _view(host: str, row: dict) -> DeliveryView:
    state, error = row["state"], row["last_error"]
    if state == State.SENT:
        return DeliveryView(host, "sent", _("Sent to %(host)s") % {"host": host}, row["sent_at"])
    if state == State.FAILED:
        return DeliveryView(
            host, "failed", _("%(host)s did not accept it") % {"host": host}, detail=error
        )
    if state == State.SKIPPED:
        return DeliveryView(
            host, "skipped", _("Not sent to %(host)s") % {"host": host}, detail=error
        )
    if state == State.PENDING and row["attempts"]:
        return DeliveryView(
            host,
            "retrying",
            _("Not in %(host)s yet: trying again") % {"host": host},
            row["due_at"],
            detail=error,
        )
    return DeliveryView(host, "sending", _("Being sent to %(host)s") % {"host": host})
