"""Status lists: give each new credential a random free bit of its issuer's list, flip bits on
revocation, and keep a signed list credential that is re-signed only when a bit changes."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from . import batch
from .credentials import MIN_ENTRIES, StatusBits, StatusEntry, sign, status_list_credential
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
    In a batch (a backfill's learners, one transaction), slots are counted in blocks and the
    ones left unused are given back when the batch ends, inside its transaction.
    """
    if batch.active():
        return _reserve_from_block(issuer, purpose)
    return _reserve(issuer, purpose, 1)


@dataclass
class _Block:
    status_list: StatusList | None = None
    left: int = 0


# Slots counted at once by a batch: one UPDATE per this many awards instead of one each.
_BLOCK = 64


def _reserve_from_block(issuer: Issuer, purpose: str) -> StatusList:
    block = batch.memo(("status-slots", issuer.pk, purpose), _Block)
    if block.left == 0:
        if block.status_list is None:
            batch.on_exit(lambda: _give_back(block))
        room = None
        current = _open_lists.get((issuer.pk, purpose))
        if current is not None:
            room = current.size - current.allocated
        size = _BLOCK if room is None or room >= _BLOCK else 1
        block.status_list = _reserve(issuer, purpose, size)
        block.left = size
    block.left -= 1
    return block.status_list


def _give_back(block: _Block) -> None:
    if block.status_list is not None and block.left:
        StatusList.objects.filter(pk=block.status_list.pk, allocated__gte=block.left).update(
            allocated=F("allocated") - block.left
        )
        block.status_list.allocated -= block.left
        block.left = 0


def _reserve(issuer: Issuer, purpose: str, count: int) -> StatusList:
    """Count ``count`` more entries on the open list, all on the same list."""
    cache_key = (issuer.pk, purpose)
    current = _open_lists.get(cache_key)
    while True:
        if current is not None:
            updated = StatusList.objects.filter(
                pk=current.pk, uuid=current.uuid, allocated__lte=F("size") - count
            ).update(allocated=F("allocated") + count)
            if updated:
                current.allocated += count  # this process's view; refreshed now and then below
                _reservations[cache_key] = _reservations.get(cache_key, 0) + 1
                if _reservations[cache_key] % _REFRESH_EVERY == 0:
                    current.refresh_from_db(fields=["allocated"])
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
_reservations: dict[tuple[int, str], int] = {}
# How often a process re-reads the list's true fill level (other workers reserve too).
_REFRESH_EVERY = 64


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
    """A random index not yet used on ``status_list`` (random, so indexes leak no order).

    While the list is at most half full, a random index is taken as is: the unique constraint
    on (list, index) catches the rare collision and the caller picks again. Denser lists probe.
    """
    if status_list.allocated * 2 <= status_list.size:
        return secrets.randbelow(status_list.size)
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


def set_status(status_list_id: int, index: int, value: bool) -> bool:
    """Flip one bit of a list (row-locked); True when it changed. Call inside a transaction."""
    locked = StatusList.objects.select_for_update().get(pk=status_list_id)
    bits = StatusBits(locked.size, bytes(locked.bits) or None)
    changed = bits.set(index, value)
    if changed:
        locked.bits = bits.to_bytes()
        locked.bits_version += 1
        locked.save(update_fields=["bits", "bits_version"])
        _sign_list(locked, bits)
    return changed


def signed_status_list(status_list: StatusList) -> dict:
    """The signed BitstringStatusListCredential; re-signed only when a bit changed since."""
    if status_list.signed_json and status_list.signed_version == status_list.bits_version:
        return json.loads(status_list.signed_json)
    with transaction.atomic():
        locked = StatusList.objects.select_for_update().get(pk=status_list.pk)
        if locked.signed_json and locked.signed_version == locked.bits_version:
            return json.loads(locked.signed_json)
        return _sign_list(locked, StatusBits(locked.size, bytes(locked.bits) or None))


def _sign_list(locked: StatusList, bits: StatusBits) -> dict:
    from .signing import active_signing_key, issuer_id, load_private_key, verification_method

    key = active_signing_key(locked.issuer)
    document = status_list_credential(
        list_url=status_list_url(locked),
        issuer=issuer_id(locked.issuer, key),
        bits=bits,
        valid_from=timezone.now(),
        purpose=locked.purpose,
    )
    signed = sign(
        document,
        load_private_key(key),
        verification_method=verification_method(locked.issuer, key),
    )
    locked.signed_json = json.dumps(signed, separators=(",", ":"))
    locked.signed_version = locked.bits_version
    locked.save(update_fields=["signed_json", "signed_version"])
    return signed
