"""A GET changes nothing: every role crawls the demo and no table gains or loses a row.

Each user of the demo, acting through each of their memberships, starts from the home page and
every URL of the URLconf that takes no argument, then follows the links of the pages it gets
(same site, GET only), at most PER_SHAPE pages per URL shape (ids and query values folded) and
role (the admin's pages once for all), so the crawl stays short (about 600 GETs) while reaching
every kind of page each role can see. After every GET, what it wrote is read in one query: on
PostgreSQL the current transaction's statistics per table (rows inserted, updated and deleted:
an UPDATE is caught too), elsewhere the row count of every table.

The read journals are the exception by design: reading a student's file or an inspector's recourse
is journaled (who, when, what), so AccessLog and RecourseRead may grow on a GET — and only they.
"""

import re
from collections import Counter, deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.apps import apps
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

from eleves.models import AccessLog
from pial.models import Membership
from pial.scope import SESSION_KEY
from pial.tests.factories import TotpFactory
from recourse.models import RecourseRead

pytestmark = pytest.mark.sweep  # a whole-site sweep: in make test, not in make test-fast

JOURNALS = {AccessLog, RecourseRead}
# allauth's e-mail page records the account's address as its EmailAddress row the first time it
# is shown (users made by the demo or an invitation have none yet): a library's bookkeeping of
# the login's own address, no data of the service.
LIBRARY_BOOKKEEPING = {"account_emailaddress"}
PER_SHAPE = 1
MAX_PAGES_PER_ROLE = 400
NOT_CRAWLED = ("/static/", "/media/", "/comptes/deconnexion", "/__debug__/")

_HREF = re.compile(r"""href=["'](/[^"'#]*)""")
_DIGITS = re.compile(r"\d+")


# The session's idle expiry slides by an UPDATE of its row (pial.middleware.SessionRefreshMiddleware):
# on PostgreSQL, where updates are seen, the session table's updates are not a page's write.
UPDATED_BY_DESIGN = {"django_session"}


def _count_query():
    models = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy and m not in JOURNALS]
    quote = connection.ops.quote_name
    tables = sorted({m._meta.db_table for m in models} - LIBRARY_BOOKKEEPING)
    if connection.vendor == "postgresql":
        return tables, ("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables"
                        " WHERE schemaname = current_schema()")
    # Table names come from the models, quoted: nothing of a request goes into this SQL.
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608
    return tables, sql


def _counts(tables, sql) -> dict[str, object]:
    """Per table, what can tell a write: (inserted, updated, deleted) in this transaction on
    PostgreSQL, the row count elsewhere."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        if connection.vendor != "postgresql":
            return dict(zip(tables, cursor.fetchone(), strict=True))
        written = {name: (ins, 0 if name in UPDATED_BY_DESIGN else upd, dele)
                   for name, ins, upd, dele in cursor.fetchall()}
    return {table: written.get(table, (0, 0, 0)) for table in tables}


def _difference(after, before):
    if isinstance(after, int):
        return after - before
    return dict(zip(("insérées", "modifiées", "supprimées"), (a - b for a, b in zip(after, before, strict=True)), strict=True))


def _argument_free(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _argument_free(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if "<" not in route and "(" not in route and "^" not in route and "\\" not in route:
                yield "/" + route


def _shape(url: str) -> str:
    parts = urlsplit(url)
    return _DIGITS.sub("N", parts.path) + "?" + "&".join(sorted({k for k, _ in parse_qsl(parts.query)}))


def _crawl(client, starts, tables, sql, shapes, role):
    """GET pages breadth first from `starts`; yields (url, status, counts changed). `shapes`
    counts the pages of each shape already crawled by this role (the admin's, by anyone)."""
    seen = set()
    queue = deque(starts)
    before = _counts(tables, sql)
    while queue and len(seen) < MAX_PAGES_PER_ROLE:
        url = queue.popleft()
        shape = ("admin" if url.startswith("/admin/") else role, _shape(url))
        if url in seen or url.startswith(NOT_CRAWLED) or shapes[shape] >= PER_SHAPE:
            continue
        seen.add(url)
        shapes[shape] += 1
        response = client.get(url)
        after = _counts(tables, sql)
        changed = {t: _difference(after[t], before[t]) for t in tables if after[t] != before[t]}
        before = after
        yield url, response.status_code, changed
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            queue.extend(href.replace("&amp;", "&") for href in _HREF.findall(response.content.decode()))


def test_no_get_of_any_role_writes_a_row(demo, client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    from allauth.mfa.models import Authenticator
    memberships = list(Membership.objects.select_related("user").order_by("pk"))
    for membership in memberships:
        if not Authenticator.objects.filter(user=membership.user, type=Authenticator.Type.TOTP).exists():
            TotpFactory(user=membership.user)
    tables, sql = _count_query()
    starts = ["/", *sorted(set(_argument_free(get_resolver().url_patterns)))]
    writes, errors, pages, shapes = [], [], Counter(), Counter()
    for membership in memberships:
        client.force_login(membership.user)
        session = client.session
        session[SESSION_KEY] = str(membership.pk)
        session.save()
        label = f"{membership.user.email} ({membership.role})"
        for url, status, changed in _crawl(client, starts, tables, sql, shapes, membership.role):
            pages[membership.role] += 1
            if changed:
                writes.append(f"{label} GET {url} → {changed}")
            if status >= 500:
                errors.append(f"{label} GET {url} → {status}")
    assert writes == []
    assert errors == [], errors
    # The crawl reached beyond the start pages for every role (a second user of a role crawls
    # only the kinds of page the first did not reach).
    assert set(pages) == {m.role for m in memberships} and min(pages.values()) > 40, pages


@pytest.mark.django_db
def test_the_probe_sees_an_insert_and_on_postgresql_an_update():
    """The probe itself: a row added is seen; on PostgreSQL a row changed in place is seen too."""
    from pial.models import Departement

    tables, sql = _count_query()
    before = _counts(tables, sql)
    departement = Departement.objects.create(code="976", name="Mayotte")
    after = _counts(tables, sql)
    assert {t for t in tables if after[t] != before[t]} == {Departement._meta.db_table}
    Departement.objects.filter(pk=departement.pk).update(name="Mayotte (976)")
    changed = {t: _difference(v, after[t]) for t, v in _counts(tables, sql).items() if v != after[t]}
    if connection.vendor == "postgresql":
        assert changed == {Departement._meta.db_table: {"insérées": 0, "modifiées": 1, "supprimées": 0}}
    else:
        assert changed == {}  # row counts do not see an update: the reason PostgreSQL reads its statistics
