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
from pial.enums import Role
from pial.models import Membership, School
from pial.scope import Scope
from pial.sqlmemo import MemoList, model_columns, scope_key

_AESH = model_columns(Aesh, [f.attname for f in Aesh._meta.concrete_fields])


def _columns(model: type[Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _instances(key: tuple, build, model: type[Model], binds: tuple = ()) -> list:
    columns = _columns(model)
    return MemoList(key, build, columns, lambda row: model.from_db("default", columns, row), binds)[0:None]


def _pairs(key: tuple, build: Callable[..., QuerySet], owner: str, target: str, binds: tuple) -> dict[int, list]:
    """{owner id: [target id, …]} of a many-to-many table."""
    found: dict[int, list] = {}
    for owner_id, target_id in MemoList(key, build, [owner, target], tuple, binds)[0:None]:
        found.setdefault(owner_id, []).append(target_id)
    return found


def _prefetched(instance: Model, name: str, objects: list) -> None:
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = objects


def _ids(model: type[Model], ids: list[int]) -> list:
    return [model.from_db("default", ["id"], (pk,)) for pk in ids]


def _aesh_scope(user_id: int, pole_id: int) -> Scope:
    """An AESH's scope made of the ids Aesh.objects.visible_to reads of it (bound: pial.sqlmemo);
    hours/tests/test_own_record.py holds its SQL equal to the real scope's."""
    return Scope(role=Role.AESH, membership=Membership(role=Role.AESH, user_id=user_id, pole_id=pole_id))


def _own_row(scope: Scope) -> list[tuple]:
    columns = [*_AESH, "pole_zone"]

    def build(s):
        return selectors.with_pole_zone(Aesh.objects.visible_to(s)).order_by("pk")

    if scope.role == Role.AESH:  # one statement for every AESH (hours/tests/test_own_record.py: the same SQL)
        membership = scope.membership
        return MemoList(("hours:own:aesh",), lambda *ids: build(_aesh_scope(*ids)), columns, tuple,
                        (membership.user_id, membership.pole_id))[0:1]
    return MemoList(("hours:own:aesh", scope_key(scope)), lambda: build(scope), columns, tuple)[0:1]


def own_record(scope: Scope) -> Aesh | None:
    """The scope's own AESH (an AESH sees theirs only: Aesh.objects.visible_to), as
    `selectors.with_pole_zone(aesh_for_detail(scope)).order_by("pk").first()` reads it for « Mes
    heures »: `pole_zone`, schools, contracts (newest first) with their avenants and the avenants'
    schools, trainings (newest first). The schools are read as ids: the page's figures use no more.
    Each statement is one for every AESH, their ids bound (pial.sqlmemo)."""
    rows = _own_row(scope)
    if not rows:
        return None
    aesh = Aesh.from_db("default", _AESH, rows[0][:len(_AESH)])
    aesh.pole_zone = rows[0][-1]
    pk = aesh.pk
    schools = _pairs(("hours:own:schools",), lambda a: Aesh.schools.through.objects.filter(aesh_id=a)
                     .order_by("pk"), "aesh_id", "school_id", (pk,))
    _prefetched(aesh, "schools", _ids(School, schools.get(pk, [])))
    contracts = _instances(("hours:own:contracts",),
                           lambda a: Contract.objects.filter(aesh_id=a).order_by("-start_date"), Contract, (pk,))
    ids = tuple(c.pk for c in contracts)
    amendments = _instances(("hours:own:amendments",), lambda *c: Amendment.objects.filter(contract_id__in=c)
                            .order_by("effective_date", "pk"), Amendment, ids) if ids else []
    amendment_ids = tuple(a.pk for a in amendments)
    amendment_schools = _pairs(("hours:own:amendment_schools",),
                               lambda *a: Amendment.schools.through.objects.filter(amendment_id__in=a)
                               .order_by("pk"), "amendment_id", "school_id", amendment_ids) if amendment_ids else {}
    for contract in contracts:
        contract.aesh = aesh
        _prefetched(contract, "amendments", [a for a in amendments if a.contract_id == contract.pk])
    for amendment in amendments:
        _prefetched(amendment, "schools", _ids(School, amendment_schools.get(amendment.pk, [])))
    _prefetched(aesh, "contracts", contracts)
    _prefetched(aesh, "trainings", _instances(("hours:own:trainings",), lambda a: Training.objects.filter(
        aesh_id=a).order_by("-date"), Training, (pk,)))
    return aesh
