"""Retroactive awarding for a whole course: every enrolled learner, in ascending user id order,
with a checkpoint file so an interrupted run resumes where it stopped.

Idempotent: learners who hold a credential are skipped, and awarding itself admits one active
award per learner and definition, so re-processing a learner (after a crash between two
checkpoints) never awards twice.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.utils import timezone

from .. import awarding
from ..models import Award, CredentialDefinition, Evaluation
from ..platform import PlatformAdapter
from ..triggers import Trigger

log = logging.getLogger(__name__)

EVENT_TYPE = "microcreds.backfill"
Outcome = Evaluation.Outcome


class CheckpointError(Exception):
    """The checkpoint file cannot be used (unreadable, or from another backfill)."""


@dataclass
class Counts:
    learners: int = 0
    awarded: int = 0
    not_met: int = 0
    already_held: int = 0
    failed: int = 0

    def add(self, outcome: str) -> None:
        if outcome == Outcome.AWARDED:
            self.awarded += 1
        elif outcome == Outcome.NOT_MET:
            self.not_met += 1
        elif outcome == Outcome.ALREADY_HELD:
            self.already_held += 1
        elif outcome == Outcome.FAILED:
            self.failed += 1

    def merged(self, other: Counts) -> Counts:
        return Counts(
            **{name: value + getattr(other, name) for name, value in asdict(self).items()}
        )


def default_checkpoint_path(course_key: str, definition: str | None = None) -> Path:
    """A file in the system temp dir named after the course (and definition, if one)."""
    name = course_key + (f"-{definition}" if definition else "")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
    return Path(tempfile.gettempdir()) / f"microcreds-backfill-{safe}.json"


@dataclass
class Checkpoint:
    """Where a backfill got to: the last user id fully processed, and totals so far."""

    path: Path
    course_key: str
    definition: str | None
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    last_user_id: int = 0
    totals: Counts = field(default_factory=Counts)
    started: str = field(default_factory=lambda: timezone.now().isoformat())

    @classmethod
    def load(cls, path: Path) -> Checkpoint | None:
        """The checkpoint stored at ``path``, or None if there is none."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                path=path,
                course_key=data["course_key"],
                definition=data.get("definition"),
                run_id=data["run_id"],
                last_user_id=int(data["last_user_id"]),
                totals=Counts(**data.get("totals", {})),
                started=data.get("started", ""),
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CheckpointError(f"checkpoint {path} is unusable ({exc}); use --restart") from None

    def check_matches(self, course_key: str, definition: str | None) -> None:
        if (self.course_key, self.definition) != (course_key, definition):
            scope = self.course_key + (
                f" --definition {self.definition}" if self.definition else ""
            )
            raise CheckpointError(
                f"checkpoint {self.path} belongs to another backfill ({scope}); "
                "use --restart or another --checkpoint"
            )

    def save(self) -> None:
        data = asdict(self)
        data["path"] = str(self.path)
        data["updated"] = timezone.now().isoformat()
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, self.path)  # never a half-written checkpoint

    def delete(self) -> None:
        self.path.unlink(missing_ok=True)


def _batches(user_ids: Iterable[int], size: int) -> Iterator[list[int]]:
    batch: list[int] = []
    for user_id in user_ids:
        batch.append(user_id)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def backfill(
    platform: PlatformAdapter,
    course_key: str,
    definitions: list[CredentialDefinition],
    user_ids: list[int],
    checkpoint: Checkpoint,
    *,
    batch_size: int = 500,
    on_learner: Callable[[], None] = lambda: None,
) -> Counts:
    """Evaluate (and award) ``definitions`` for ``user_ids``, ascending; returns this run's
    counts. The checkpoint is saved after each batch, and when anything interrupts the run."""
    counts = Counts()
    trigger_id = f"backfill:{checkpoint.run_id}"
    try:
        for batch in _batches(user_ids, batch_size):
            held = set(
                Award.objects.active()
                .filter(user_id__in=batch, definition__in=definitions)
                .values_list("user_id", "definition_id")
            )
            for user_id in batch:
                learner = platform.get_user(user_id)
                if learner is None:
                    log.warning("microcreds backfill: enrolled user %s does not exist", user_id)
                    counts.failed += len(definitions)
                else:
                    trigger = Trigger(
                        event_type=EVENT_TYPE,
                        user_id=user_id,
                        course_key=course_key,
                        event_id=trigger_id,
                    )
                    for definition in definitions:
                        if (user_id, definition.pk) in held:
                            counts.add(Outcome.ALREADY_HELD)
                            continue
                        evaluation = awarding.evaluate_and_award(
                            definition, learner, trigger, platform
                        )
                        counts.add(evaluation.outcome)
                counts.learners += 1
                checkpoint.last_user_id = user_id
                on_learner()
            _save(checkpoint, counts)
    except BaseException:
        _save(checkpoint, counts)  # resume after the last learner fully processed
        raise
    return counts


def _save(checkpoint: Checkpoint, counts: Counts) -> None:
    saved = checkpoint.totals
    checkpoint.totals = saved.merged(counts)
    try:
        checkpoint.save()
    finally:
        checkpoint.totals = saved
