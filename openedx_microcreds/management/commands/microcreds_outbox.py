"""The outbox of messages about awards (e-mails to learners, wallet pushes), for operators.

    manage.py lms microcreds_outbox list [--state failed] [--event revoked] [--channel email]
                                         [--limit 50]
    manage.py lms microcreds_outbox retry ID [ID ...]
    manage.py lms microcreds_outbox retry --failed

``retry`` makes the messages due now and queues a task for each; messages already sent (or
being sent) are left alone and reported. Each message still goes out at most once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from ...delivery import outbox
from ...models import OutboxMessage


class Command(BaseCommand):
    help = "List the outbox of messages about awards, or send failed ones again."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="list|retry")
        listing = actions.add_parser("list", help="messages, newest first")
        listing.add_argument("--state", choices=list(OutboxMessage.State.values))
        listing.add_argument("--event", choices=list(OutboxMessage.Event.values))
        listing.add_argument("--channel", help="a channel (email) or channel:target")
        listing.add_argument("--limit", type=int, default=50, help="at most this many (50)")
        again = actions.add_parser("retry", help="send messages again now")
        again.add_argument("ids", nargs="*", type=int, help="outbox message ids")
        again.add_argument("--failed", action="store_true", help="every failed message")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self.list(options)
        else:
            self.retry(options)

    def list(self, options: dict[str, Any]) -> None:
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        rows = OutboxMessage.objects.select_related("award__definition").order_by("-created", "-pk")
        if options["state"]:
            rows = rows.filter(state=options["state"])
        if options["event"]:
            rows = rows.filter(event=options["event"])
        channel = options["channel"]
        if channel:  # "email", or "ob3" for every "ob3:<target>", or one "ob3:<target>"
            rows = rows.filter(Q(channel=channel) | Q(channel__startswith=f"{channel}:"))
        total = rows.count()
        shown = list(rows[: options["limit"]])
        if not shown:
            self.stdout.write("No messages.")
            return
        header = ("id", "state", "event", "channel", "award", "credential", "tries", "when", "why")
        lines = [header]
        for row in shown:
            when = row.sent_at or row.due_at
            lines.append(
                (
                    str(row.pk),
                    row.state,
                    row.event,
                    row.channel,
                    str(row.award.uuid),
                    row.award.definition.slug,
                    str(row.attempts),
                    when.strftime("%Y-%m-%d %H:%M"),
                    row.last_error.replace("\n", " ")[:120],
                )
            )
        widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
        for line in lines:
            cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=False)]
            self.stdout.write("  ".join([*cells, line[-1]]).rstrip())
        if total > len(shown):
            self.stdout.write(f"... {total - len(shown)} more (use --limit)")

    def retry(self, options: dict[str, Any]) -> None:
        from ...tasks import wake_delivery

        ids, failed = options["ids"], options["failed"]
        if bool(ids) == failed:
            raise CommandError("give message ids, or --failed (not both)")
        if ids:
            known = dict(OutboxMessage.objects.filter(pk__in=ids).values_list("pk", "state"))
            missing = sorted(set(ids) - set(known))
            if missing:
                raise CommandError(f"no outbox message with id {', '.join(map(str, missing))}")
            left = [pk for pk in ids if known[pk] in (OutboxMessage.State.SENT, "sending")]
            for pk in left:
                self.stdout.write(f"Message {pk} is {known[pk]}: left as it is.")
            chosen = outbox.retry(ids)
        else:
            chosen = outbox.retry(failed=True)
        wake_delivery(chosen)
        self.stdout.write(f"{len(chosen)} message(s) queued again.")
        for row in OutboxMessage.objects.filter(pk__in=chosen).order_by("pk"):
            detail = f": {row.last_error}" if row.last_error else ""
            self.stdout.write(f"  {row.pk} {row.event} via {row.channel}: {row.state}{detail}")
