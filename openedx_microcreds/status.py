"""Status list entries: give each new credential a random free bit of its issuer's list."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.db.models import F

from .credentials import MIN_ENTRIES, StatusEntry
from .models import Award, Issuer, StatusList
from .settings import issuer_base_url

# Random probes before concluding the list is dense enough to scan for a free index.
_PROBES = 32


def status_list_url(status_list: StatusList) -> str:
    return f"{issuer_base_url()}/microcreds/status/{status_list.uuid}"


def reserve_slot(issuer: Issuer, purpose: str = "revocation") -> StatusList:
    """Count one more entry on the issuer's open list, opening the next one when it is full.

    Must run inside the transaction that stores the award, so a rolled-back award gives its
    slot back. The conditional UPDATE is atomic: two workers cannot both take the last slot.
    """
    cache_key = (issuer.pk, purpose)
    current = _open_lists.get(cache_key)
    while True:
        if current is not None:
            updated = StatusList.objects.filter(pk=current.pk, allocated__lt=F("size")).update(
                allocated=F("allocated") + 1
            )
            if updated:
                _open_lists[cache_key] = current
                return current
            latest = _latest(issuer, purpose)
            if latest is None or latest.pk == current.pk:  # full: open the next one
                current = _open_list(issuer, purpose, current.sequence + 1)
            else:
                current = latest
        else:
            current = _latest(issuer, purpose) or _open_list(issuer, purpose, 1)


def release_slot(status_list: StatusList) -> None:
    """Give back a slot reserved for an award that was not stored after all."""
    StatusList.objects.filter(pk=status_list.pk, allocated__gt=0).update(
        allocated=F("allocated") - 1
    )


# The open list per (issuer, purpose), remembered per process to save a query per award; the
# conditional UPDATE above is what decides, so a stale entry only costs a second look.
_open_lists: dict[tuple[int, str], StatusList] = {}


def _latest(issuer: Issuer, purpose: str) -> StatusList | None:
    return StatusList.objects.filter(issuer=issuer, purpose=purpose).order_by("-sequence").first()


def _open_list(issuer: Issuer, purpose: str, sequence: int) -> StatusList:
    try:
        with transaction.atomic():
            return StatusList.objects.create(
                issuer=issuer,
                purpose=purpose,
                sequence=sequence,
                size=MIN_ENTRIES,
                bits=bytes(MIN_ENTRIES // 8),
            )
    except IntegrityError:  # another worker opened it first
        return StatusList.objects.get(issuer=issuer, purpose=purpose, sequence=sequence)


def pick_index(status_list: StatusList) -> int:
    """A random index not yet used on ``status_list`` (random, so indexes leak no order)."""
    taken = Award.objects.filter(status_list=status_list)
    for _ in range(_PROBES):
        candidate = secrets.randbelow(status_list.size)
        if not taken.filter(status_index=candidate).exists():
            return candidate
    used = set(taken.values_list("status_index", flat=True))
    free = [index for index in range(status_list.size) if index not in used]
    return free[secrets.randbelow(len(free))]


def entry_for(status_list: StatusList, index: int) -> StatusEntry:
    return StatusEntry(status_list_url(status_list), index, status_list.purpose)
