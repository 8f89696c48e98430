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

from django.db import transaction
from django.utils import timezone

from .. import awarding, followups
from ..batch import scope as batch_scope
from ..models import Award, CredentialDefinition, Evaluation
from ..platform import PlatformAdapter, PlatformUser
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
    batch_size: int = 100,
    on_learner: Callable[[], None] = lambda: None,
    ccx_key: str | None = None,
) -> Counts:
    """Evaluate (and award) ``definitions`` for ``user_ids``, ascending; returns this run's
    counts. The checkpoint is saved after each batch, and when anything interrupts the run.

    Each batch is one transaction: its learners are read in one query, what they hold in
    another, and its awards commit together (one commit instead of several per award). The
    re-evaluations of credentials stacked on its awards are recorded in it, then woken
    together once it has committed. A batch that fails as a whole (the database went away)
    leaves nothing half-done: it is rolled back and the checkpoint still points before it.
    An interruption (Ctrl-C) keeps what the learners before it got: the batch commits up to
    the last learner fully processed, and the run stops there.
    """
    counts = Counts()
    trigger_id = f"backfill:{checkpoint.run_id}"
    try:
        for batch in _batches(user_ids, batch_size):
            run = _Batch(platform, course_key, ccx_key, definitions, trigger_id)
            with followups.held() as follow_ups, transaction.atomic(), batch_scope():
                run.evaluate(batch, on_learner)
            followups.dispatch(follow_ups)
            counts = counts.merged(run.counts)
            if run.last_user_id:
                checkpoint.last_user_id = run.last_user_id
            _save(checkpoint, counts)
            if run.interrupted is not None:
                raise run.interrupted
    except BaseException:
        _save(checkpoint, counts)  # resume after the last learner fully processed
        raise
    return counts


@dataclass
class _Batch:
    platform: PlatformAdapter
    course_key: str
    ccx_key: str | None
    definitions: list[CredentialDefinition]
    trigger_id: str
    counts: Counts = field(default_factory=Counts)
    last_user_id: int = 0
    interrupted: BaseException | None = None

    def evaluate(self, batch: list[int], on_learner: Callable[[], None]) -> None:
        learners = self.platform.get_users(batch)
        held: dict[int, set[str]] = {user_id: set() for user_id in batch}
        for user_id, slug in (
            Award.objects.active()
            .filter(user_id__in=batch)
            .values_list("user_id", "definition__slug")
        ):
            held[user_id].add(slug)
        for user_id in batch:
            try:
                self._learner(user_id, learners.get(user_id), held[user_id])
            except KeyboardInterrupt as exc:
                self.interrupted = exc
                return
            self.counts.learners += 1
            self.last_user_id = user_id
            on_learner()

    def _learner(self, user_id: int, learner: PlatformUser | None, held: set[str]) -> None:
        if learner is None:
            log.warning("microcreds backfill: enrolled user %s does not exist", user_id)
            self.counts.failed += len(self.definitions)
            return
        trigger = Trigger(
            event_type=EVENT_TYPE,
            user_id=user_id,
            course_key=self.course_key,
            event_id=self.trigger_id,
            ccx_key=self.ccx_key,
        )
        for definition in self.definitions:
            if definition.slug in held:
                self.counts.add(Outcome.ALREADY_HELD)
                continue
            evaluation = awarding.evaluate_and_award(
                definition, learner, trigger, self.platform, held=held
            )
            self.counts.add(evaluation.outcome)


def _save(checkpoint: Checkpoint, counts: Counts) -> None:
    saved = checkpoint.totals
    checkpoint.totals = saved.merged(counts)
    try:
        checkpoint.save()
    finally:
        checkpoint.totals = saved
