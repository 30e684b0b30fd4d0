"""Lists whose SQL is compiled once per process for a given set of inputs.

Building and compiling a list's queryset (scope, annotations with their subqueries, filters,
ordering) costs more CPU than running it. For a list whose SQL is a pure function of some inputs
(the scope's ids, the filters, the day, the page), `MemoList` keeps the compiled statements
keyed by all of those inputs and runs them again: same SQL, same parameters, same number of
queries, results read afresh on every request. Only the statements are kept, never rows.

The key must hold everything the builder reads; a builder that read the database (ids looked up
in Python) could not be memoised this way. `scope_key` gives the scope's part.

A statement per person (one AESH's rows) would fill the memo with one entry per AESH: such a list
passes those ids as `binds` instead, the builder taking them as arguments and using them only as
query parameters. The statement is compiled once with stand-in values, kept under the key (which
leaves the ids out), and run with the ids in their places. A stand-in the statement does not carry
as a parameter, as it was given, is not trusted: that list is compiled with its ids, each time.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

_STATEMENTS: dict[Hashable, tuple | None] = {}
_SIZE = 512  # statements with their selected expressions: a few tens of kB each
_EMPTY = None  # a statement Django would not send (the queryset is empty by construction)
_MISSING = object()
_STAND_IN = 8_764_321_098_765_400  # + position: an id no table reaches, compiled in place of a bound one


class _Bound(int):
    """The position, among the binds, of a parameter to put in place at each run."""


def scope_key(scope) -> tuple:
    """What the visible_to() selectors read of a scope."""
    membership = scope.membership
    return (scope.role, membership.pk if membership else None,
            membership.user_id if membership else None, scope.pole_id, scope.circonscription_id,
            scope.departement_id)


def _remember(key: Hashable, value) -> None:
    if len(_STATEMENTS) >= _SIZE:
        _STATEMENTS.clear()
    _STATEMENTS[key] = value


def clear() -> None:
    _STATEMENTS.clear()


def model_columns(model: type[Model], attnames: Sequence[str]) -> list[str]:
    """`attnames` in the model's field order (the order Model.from_db reads values in)."""
    wanted = set(attnames)
    ordered = [f.attname for f in model._meta.concrete_fields if f.attname in wanted]
    assert len(ordered) == len(wanted), set(attnames) - set(ordered)
    return ordered


def _trusted(statement: tuple, count: int) -> bool:
    """Whether every stand-in is a parameter of the statement, and none is written in its SQL."""
    _, sql, params, _ = statement
    placed = {int(p) for p in params if type(p) is _Bound}
    return placed == set(range(count)) and not any(str(_STAND_IN + i) in sql for i in range(count))


class MemoList:
    """An object list for Paginator: `count()` and slices, through statements compiled once per
    key. `build()` returns the list's queryset; a page reads its `values_list(*columns)` and
    `make(row)` turns a row (converted as the ORM would: dates, decimals) into what it shows.
    `binds`: ids given to `build(*binds)` and bound at each run, left out of the key (see above)."""

    def __init__(self, key: Hashable, build: Callable[..., QuerySet], columns: Sequence[str],
                 make: Callable[[tuple], Any], binds: Sequence[int] = ()):
        self.key, self.build, self.columns, self.make = key, build, tuple(columns), make
        self.binds = tuple(int(value) for value in binds)

    def count(self) -> int:
        assert not self.binds, "a count with binds is not memoised"
        key = ("count", self.key)
        statement = _STATEMENTS.get(key, _MISSING)  # one read: another thread may clear the memo
        if statement is _MISSING:
            queryset = self.build()
            captured: list[tuple[str, tuple]] = []

            def capture(execute, sql, params, many, context):
                captured.append((sql, tuple(params or ())))
                return execute(sql, params, many, context)

            with connections[queryset.db].execute_wrapper(capture):
                total = queryset.count()
            if len(captured) <= 1:
                _remember(key, (queryset.db, *captured[0]) if captured else _EMPTY)
            return total
        if statement is _EMPTY:
            return 0
        alias, sql, params = statement
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def _compile(self, bounds: slice, values: tuple[int, ...], mark: bool = True):
        """(alias, sql, params, expressions) of the slice, the stand-ins' places marked; or _EMPTY."""
        queryset = self.build(*values).values_list(*self.columns)[bounds]
        compiler = queryset.query.get_compiler(queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _EMPTY
        places = {value: _Bound(position) for position, value in enumerate(values)} if mark else {}
        params = tuple(places.get(p, p) if type(p) is int else p for p in params)
        # The selected expressions, for the ORM's converters (asked of the connection in use).
        expressions = [selected[0] for selected in compiler.select[:compiler.col_count]]
        return queryset.db, sql, params, expressions

    def __getitem__(self, bounds: slice) -> list:
        assert isinstance(bounds, slice) and bounds.step is None
        key = ("rows", self.key, self.columns, bounds.start, bounds.stop, len(self.binds))
        statement = _STATEMENTS.get(key, _MISSING)
        if statement is _MISSING:
            statement = self._compile(bounds, tuple(_STAND_IN + i for i in range(len(self.binds))))
            if statement is not _EMPTY and self.binds and not _trusted(statement, len(self.binds)):
                statement = self._compile(bounds, self.binds, mark=False)  # not kept: compiled with its ids
            else:
                _remember(key, statement)
        if statement is _EMPTY:
            return []
        alias, sql, params, expressions = statement
        if self.binds:
            params = tuple(self.binds[p] if type(p) is _Bound else p for p in params)
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        converters = []
        for position, expression in enumerate(expressions):
            functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
            if functions:
                converters.append((position, functions, expression))
        make = self.make
        if not converters:
            return [make(row) for row in rows]
        objects = []
        for row in rows:
            row = list(row)
            for position, functions, expression in converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            objects.append(make(tuple(row)))
        return objects


# --- One object, its statement compiled once per shape ----------------------------------------------
#
# A page read by each of thousands of people (the AESH's week) runs one statement whose SQL is the same
# for all, only its parameters differing (their ids, the week). Keyed by the values, a memo would
# hardly ever be hit; `first` keys the statement by its shape instead and puts each request's values
# in the parameters. The shape is found by compiling the builder twice with two sets of stand-in
# values: the SQL must be the same, and every parameter that differs must be one of the values (a
# parameter the same in both is the builder's own constant). Otherwise nothing is kept and the ORM
# runs as usual. A builder reads its values only as parameters (None aside: it changes the SQL, and is
# in the key), and derives none (a week's Friday is a value of its own, not its Monday + 4).

_STAND_INS = (-7_100_000_000, -7_200_000_000)
_DAYS = (datetime.date(1111, 1, 1), datetime.date(1222, 2, 2))


def _stand_in(value, index: int, round_: int):
    if isinstance(value, bool) or not isinstance(value, (int, datetime.date)) or isinstance(value, datetime.datetime):
        raise TypeError(f"sqlmemo.first: an int or a date, not {type(value).__name__}")
    if isinstance(value, int):
        return _STAND_INS[round_] - index
    return _DAYS[round_] + datetime.timedelta(days=index)


def _prepared(connection, value):
    """A value as the ORM puts it in the parameters (an int as is, a date as the backend wants it)."""
    return value if isinstance(value, int) else connection.ops.adapt_datefield_value(value)


def _shape(queries: Sequence[QuerySet], stand_ins: Sequence[Sequence]) -> tuple | None:
    """(alias, sql, parameters (a value's index, or ("const", value)), how to make the object) of
    build(*stand_ins[0])[:1], or None when the two compiles do not show where the values go."""
    compiled = []
    for queryset in queries:
        compiler = queryset.query.get_compiler(queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        compiled.append((compiler, sql, list(params)))
    (compiler, sql, first), (_, other_sql, second) = compiled
    if sql != other_sql or len(first) != len(second):
        return None
    connection = connections[queries[0].db]
    prepared = [[_prepared(connection, v) if v is not None else None for v in values] for values in stand_ins]
    parameters = []
    for one, two in zip(first, second, strict=True):
        if one == two and one not in prepared[0]:
            parameters.append(("const", one))
            continue
        found = [i for i, (a, b) in enumerate(zip(*prepared, strict=True)) if a is not None and a == one and b == two]
        if len(found) != 1:
            return None
        parameters.append(found[0])
    klass_info = compiler.klass_info
    if not klass_info:
        return None
    select, fields = compiler.select, klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    # The objects select_related() reads with it, set on it as ModelIterable sets them.
    populators = get_related_populators(klass_info, select, queries[0].db)
    return (queries[0].db, sql, tuple(parameters), [selected[0] for selected in select[:compiler.col_count]],
            klass_info["model"], [column[0].target.attname for column in select[start:end]], start, end,
            populators, dict(compiler.annotation_col_map))


def first(key: Hashable, build: Callable[..., QuerySet], *values):
    """The first object of `build(*values)` (an ordered queryset of one model, with its
    annotations and select_related() objects), as `.first()` returns it: one query, its SQL
    compiled once per process for `key` and the values that are None. `values`: ints and dates."""
    found = _objects(("first", key), lambda *v: build(*v)[:1], values, lambda: build(*values).first())
    return found[0] if isinstance(found, list) else found


def objects(key: Hashable, build: Callable[..., QuerySet], *values) -> list:
    """The objects of `build(*values)`, as list() makes them (see `first`): one query, its SQL
    compiled once per process for `key` and the values that are None."""
    return _objects(("objects", key), build, values, lambda: list(build(*values)))


def _objects(key: tuple, build: Callable[..., QuerySet], values: tuple, otherwise: Callable):
    memo_key = (*key, tuple(value is None for value in values))
    shape = _STATEMENTS.get(memo_key, _MISSING)
    if shape is _MISSING:
        stand_ins = [[None if v is None else _stand_in(v, i, round_) for i, v in enumerate(values)]
                     for round_ in (0, 1)]
        shape = _shape([build(*s) for s in stand_ins], stand_ins)
        _remember(memo_key, shape)
    if shape is None:
        return otherwise()
    alias, sql, parameters, expressions, model, init_list, start, end, populators, annotations = shape
    connection = connections[alias]
    params = [p[1] if isinstance(p, tuple) else _prepared(connection, values[p]) for p in parameters]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return [None] if key[0] == "first" else []
    converters = []
    for position, expression in enumerate(expressions):
        functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        if functions:
            converters.append((position, functions, expression))
    made = []
    for row in rows:
        row = list(row)
        for position, functions, expression in converters:
            for function in functions:
                row[position] = function(row[position], expression, connection)
        obj = model.from_db(alias, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for name, position in annotations.items():
            setattr(obj, name, row[position])
        made.append(obj)
    return made
