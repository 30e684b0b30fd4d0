"""« Mes heures »: the AESH's own record read through statements compiled once per process
(pial.sqlmemo), not an ORM queryset with its prefetches built and compiled on every request.

The same rows as `aesh.selectors.aesh_for_detail` gives the page (the AESH of the scope, their
pôle's zone, their schools, contracts with avenants and the avenants' schools, trainings), in the
same queries, read afresh on every request: only the SQL is kept, never a row. The related rows
are set as prefetched lists, so `aesh.contracts.all()` and the like read them without a query; a
`.filter()` on them fails loudly rather than reading unscoped rows."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model, QuerySet

from aesh.models import Aesh, Amendment, Contract, Training
from hours import selectors
from pial.models import School
from pial.scope import Scope
from pial.sqlmemo import MemoList, model_columns, scope_key

_AESH = model_columns(Aesh, [f.attname for f in Aesh._meta.concrete_fields])


def _columns(model: type[Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _instances(key: tuple, build, model: type[Model]) -> list:
    columns = _columns(model)
    return MemoList(key, build, columns, lambda row: model.from_db("default", columns, row))[0:None]


def _pairs(key: tuple, build: Callable[[], QuerySet], owner: str, target: str) -> dict[int, list]:
    """{owner id: [target id, …]} of a many-to-many table."""
    found: dict[int, list] = {}
    for owner_id, target_id in MemoList(key, build, [owner, target], tuple)[0:None]:
        found.setdefault(owner_id, []).append(target_id)
    return found


def _prefetched(instance: Model, name: str, objects: list) -> None:
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = objects


def _ids(model: type[Model], ids: list[int]) -> list:
    return [model.from_db("default", ["id"], (pk,)) for pk in ids]


def own_record(scope: Scope) -> Aesh | None:
    """The scope's own AESH (an AESH sees theirs only: Aesh.objects.visible_to), as
    `selectors.with_pole_zone(aesh_for_detail(scope)).order_by("pk").first()` reads it for « Mes
    heures »: `pole_zone`, schools, contracts (newest first) with their avenants and the avenants'
    schools, trainings (newest first). The schools are read as ids: the page's figures use no more."""
    columns = [*_AESH, "pole_zone"]
    rows = MemoList(("hours:own:aesh", scope_key(scope)),
                    lambda: selectors.with_pole_zone(Aesh.objects.visible_to(scope)).order_by("pk"), columns,
                    tuple)[0:1]
    if not rows:
        return None
    aesh = Aesh.from_db("default", _AESH, rows[0][:len(_AESH)])
    aesh.pole_zone = rows[0][-1]
    pk = aesh.pk
    schools = _pairs(("hours:own:schools", pk), lambda: Aesh.schools.through.objects.filter(aesh_id=pk)
                     .order_by("pk"), "aesh_id", "school_id")
    _prefetched(aesh, "schools", _ids(School, schools.get(pk, [])))
    contracts = _instances(("hours:own:contracts", pk),
                           lambda: Contract.objects.filter(aesh_id=pk).order_by("-start_date"), Contract)
    ids = tuple(c.pk for c in contracts)
    amendments = _instances(("hours:own:amendments", ids), lambda: Amendment.objects.filter(contract_id__in=ids)
                            .order_by("effective_date", "pk"), Amendment) if ids else []
    amendment_ids = tuple(a.pk for a in amendments)
    amendment_schools = _pairs(("hours:own:amendment_schools", amendment_ids),
                               lambda: Amendment.schools.through.objects.filter(amendment_id__in=amendment_ids)
                               .order_by("pk"), "amendment_id", "school_id") \
        if amendment_ids else {}
    for contract in contracts:
        contract.aesh = aesh
        _prefetched(contract, "amendments", [a for a in amendments if a.contract_id == contract.pk])
    for amendment in amendments:
        _prefetched(amendment, "schools", _ids(School, amendment_schools.get(amendment.pk, [])))
    _prefetched(aesh, "contracts", contracts)
    _prefetched(aesh, "trainings", _instances(("hours:own:trainings", pk), lambda: Training.objects.filter(
        aesh_id=pk).order_by("-date"), Training))
    return aesh
