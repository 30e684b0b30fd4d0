"""Who may see and change AESH pages, and what they see (les-emplois test_perms shape)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from aesh.models import Aesh, Contract, Training
from aesh.tests.factories import AeshFactory, ContractFactory, TrainingFactory
from pial.tests.helpers import count_queries

READERS = {"coordinator_a": 200, "pilot_a": 200, "gestionnaire": 200, "admin": 200}
REFUSED = {"aesh_a": 403, "inspector_a": 403, "referent_a": 403, "norole": 403}


@pytest.mark.parametrize(("who", "status"), [*READERS.items(), *REFUSED.items()])
def test_list_page(client_as, records, who, status):
    assert client_as(who).get(reverse("aesh:list")).status_code == status


def test_list_shows_own_territory_only(client_as, records):
    html = client_as("coordinator_a").get(reverse("aesh:list")).content.decode()
    assert "MARTIN Léa" in html and "ROBERT Inès" in html and "PETIT Nina" not in html
    html = client_as("coordinator_b").get(reverse("aesh:list")).content.decode()
    assert "PETIT Nina" in html and "MARTIN Léa" not in html


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        ("coordinator_a", "own", 200), ("pilot_a", "own", 200), ("gestionnaire", "other", 200),
        ("coordinator_b", "own", 404), ("coordinator_a", "other", 404),
        ("aesh_a", "own", 200), ("aesh_a", "colleague", 404), ("aesh_b", "own", 404),
        ("inspector_a", "own", 403), ("referent_a", "own", 403), ("norole", "own", 403),
    ],
)
def test_detail_page(client_as, records, who, target, status):
    assert client_as(who).get(reverse("aesh:detail", args=[records[target].pk])).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator_a", 200), ("gestionnaire", 200), ("pilot_a", 403), ("aesh_a", 403), ("inspector_a", 403),
     ("coordinator_b", 404)],
)
def test_edit_pages(client_as, records, who, status):
    own = records["own"]
    contract = own.contracts.get()
    client = client_as(who)
    for url in [reverse("aesh:update", args=[own.pk]), reverse("aesh:contract_create", args=[own.pk]),
                reverse("aesh:training_create", args=[own.pk]), reverse("aesh:contract_update", args=[contract.pk]),
                reverse("aesh:amendment_create", args=[contract.pk])]:
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize(("who", "status"), [("coordinator_a", 200), ("gestionnaire", 200), ("pilot_a", 403),
                                             ("aesh_a", 403)])
def test_create_and_import_pages(client_as, records, who, status):
    client = client_as(who)
    assert client.get(reverse("aesh:create")).status_code == status
    assert client.get(reverse("aesh:import")).status_code == status


def test_pilot_reads_but_cannot_post(client_as, records):
    own = records["own"]
    response = client_as("pilot_a").post(reverse("aesh:update", args=[own.pk]), {"last_name": "Piraté"})
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.last_name == "Martin"


@pytest.mark.parametrize(("who", "status"), [("aesh_a", 200), ("aesh_b", 200), ("coordinator_a", 403),
                                             ("inspector_a", 403)])
def test_own_record_page(client_as, records, who, status):
    assert client_as(who).get(reverse("aesh:me")).status_code == status


def test_own_record_shows_contract_lump_sum_and_training(client_as, records):
    TrainingFactory(aesh=records["own"], hours=Decimal("27"))
    html = client_as("aesh_a").get(reverse("aesh:me")).content.decode()
    assert "MARTIN" in html and "120 h par an" in html  # 24 h × (41 − 36)
    assert "27 h sur 60 h" in html
    assert "PETIT" not in html


def test_coordinator_creates_aesh_with_contract_and_training(client_as, world):
    client = client_as("coordinator_a")
    response = client.post(reverse("aesh:create"), {
        "last_name": "Nouveau", "first_name": "Sam", "email": "sam.nouveau@ac-test.fr",
        "home_pole": world.pole_a.pk, "schools": [world.schools_a[0].pk],
    })
    aesh = Aesh.objects.get(last_name="Nouveau")
    assert response.status_code == 302
    response = client.post(reverse("aesh:contract_create", args=[aesh.pk]), {
        "kind": "CDD", "employer": "DSDEN", "start_date": "2026-09-01", "weekly_hours": "24", "weeks": "41",
        "annual_base": "1607", "contractual_quotite": "62", "referent_quotite": "0",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    contract = Contract.objects.get(aesh=aesh)
    assert contract.end_date == datetime.date(2029, 8, 31)  # a CDD lasts 3 years by default
    response = client.post(reverse("aesh:training_create", args=[aesh.pk]), {
        "kind": "ADAPTATION", "date": "2026-09-15", "hours": "6", "title": "Accueil"})
    assert response.status_code == 302 and Training.objects.filter(aesh=aesh).count() == 1


def test_coordinator_cannot_put_aesh_in_another_pole(client_as, world):
    response = client_as("coordinator_a").post(reverse("aesh:create"), {
        "last_name": "Ailleurs", "first_name": "Sam", "home_pole": world.pole_b.pk})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Aesh.objects.filter(last_name="Ailleurs").exists()


def test_overlapping_contract_form_shows_french_error(client_as, records):
    own = records["own"]
    response = client_as("coordinator_a").post(reverse("aesh:contract_create", args=[own.pk]), {
        "kind": "CDI", "employer": "DSDEN", "start_date": "2027-01-01", "weekly_hours": "24", "weeks": "41",
        "annual_base": "1607", "contractual_quotite": "62", "referent_quotite": "0"})
    assert response.status_code == 200
    assert "chevauche un autre contrat" in response.content.decode()
    assert own.contracts.count() == 1


def test_amendment_flow_from_proposal_to_acceptance(client_as, records):
    client = client_as("coordinator_a")
    contract = records["own"].contracts.get()
    today = datetime.date.today()
    response = client.post(reverse("aesh:amendment_create", args=[contract.pk]), {
        "proposed_on": today.isoformat(), "effective_date": (today + datetime.timedelta(days=7)).isoformat(),
        "referent_quotite": "0.25", "weekly_hours": "20", "contractual_quotite": "52", "lunch_duty": "unknown"})
    assert response.status_code == 302, response.content.decode()[:3000]
    amendment = contract.amendments.get()
    page = client.get(reverse("aesh:amendment_answer", args=[amendment.pk])).content.decode()
    assert 'type="submit"' in page and "Enregistrer" in page  # the form could not be sent (issue 21)
    response = client.post(reverse("aesh:amendment_answer", args=[amendment.pk]),
                           {"answer": "accept", "answered_on": today.isoformat()})
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.state == "ACCEPTED"


@pytest.mark.parametrize(("who", "shown"), [("coordinator_a", True), ("pilot_a", False), ("gestionnaire", False)])
def test_aesh_record_links_only_to_pages_the_reader_may_open(client_as, records, who, shown):
    """The gestionnaire was offered the AESH's week and hours, then refused (issue 21)."""
    client = client_as(who)
    aesh = records["own"]
    html = client.get(reverse("aesh:detail", args=[aesh.pk])).content.decode()
    for name in ("missions:aesh_week", "hours:aesh"):
        url = reverse(name, args=[aesh.pk])
        assert (url in html) == (shown and client.get(url).status_code == 200), (who, url)


def test_invite_from_aesh_page_links_the_account(client_as, records, django_capture_on_commit_callbacks):
    colleague = records["colleague"]
    colleague.email = "ines.robert@ac-test.fr"
    colleague.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("coordinator_a").post(reverse("aesh:invite", args=[colleague.pk]))
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.user.email == "ines.robert@ac-test.fr"
    assert colleague.user.memberships.get().pole == records["own"].home_pole


def test_list_filters(client_as, records, world):
    late = AeshFactory(home_pole=world.pole_a, last_name="Retard", training_due_date=datetime.date(2020, 1, 1))
    TrainingFactory(aesh=late, hours=Decimal("12"))
    client = client_as("coordinator_a")
    html = client.get(reverse("aesh:list"), {"training_late": "on"}).content.decode()
    assert "RETARD" in html and "MARTIN" not in html
    html = client.get(reverse("aesh:list"), {"q": "mart"}).content.decode()
    assert "MARTIN" in html and "ROBERT" not in html
    html = client.get(reverse("aesh:list"), {"school": world.schools_a[0].pk}).content.decode()
    assert "MARTIN" in html and "ROBERT" not in html
    html = client.get(reverse("aesh:list"), {"without_contract": "on"}).content.decode()
    assert "ROBERT" in html and "MARTIN" not in html


def test_list_query_count_is_the_same_for_10_and_200_aesh(client_as, world):
    client = client_as("coordinator_a")

    def make(n):
        for aesh in AeshFactory.create_batch(n, home_pole=world.pole_a):
            aesh.schools.set(world.schools_a[:2])
            ContractFactory(aesh=aesh)
            TrainingFactory(aesh=aesh)

    make(10)
    client.get(reverse("aesh:list"))
    ten = count_queries(lambda: client.get(reverse("aesh:list"), {"sort": "fin"}))
    make(190)
    two_hundred = count_queries(lambda: client.get(reverse("aesh:list"), {"sort": "fin"}))
    assert ten == two_hundred
    assert ten <= 14


def test_detail_query_count_does_not_grow_with_history(client_as, records):
    client = client_as("coordinator_a")
    url = reverse("aesh:detail", args=[records["own"].pk])
    client.get(url)
    few = count_queries(lambda: client.get(url))
    for n in range(5):
        TrainingFactory(aesh=records["own"], date=datetime.date(2025, 10, 1 + n))
    ContractFactory(aesh=records["own"], start_date=datetime.date(2020, 9, 1), end_date=datetime.date(2023, 8, 31))
    assert count_queries(lambda: client.get(url)) == few


def test_admin_lists_aesh_of_own_pole_only(client_as, records):
    client = client_as("coordinator_a")
    html = client.get(reverse("admin:aesh_aesh_changelist")).content.decode()
    assert "MARTIN Léa" in html and "PETIT Nina" not in html
    assert client.get(reverse("admin:aesh_aesh_change", args=[records["other"].pk])).status_code == 302
    html = client.get(reverse("admin:aesh_contract_changelist")).content.decode()
    assert "MARTIN Léa" in html and "PETIT Nina" not in html


def test_amendment_can_be_corrected_until_answered(client_as, records):
    client = client_as("coordinator_a")
    contract = records["own"].contracts.get()
    today = datetime.date.today()
    from aesh.tests.factories import AmendmentFactory

    amendment = AmendmentFactory(contract=contract, proposed_on=today, effective_date=today + datetime.timedelta(7),
                                 weekly_hours=Decimal("20"), contractual_quotite=52)
    url = reverse("aesh:amendment_update", args=[amendment.pk])
    response = client.post(url, {"proposed_on": today.isoformat(),
                                 "effective_date": (today + datetime.timedelta(days=14)).isoformat(),
                                 "weekly_hours": "22", "contractual_quotite": "57", "lunch_duty": "unknown"})
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.weekly_hours == Decimal("22")
    amendment.state, amendment.answered_on = "ACCEPTED", today
    amendment.save()
    response = client.get(url, follow=True)
    assert "ne se modifie plus" in response.content.decode()
    # client_as logs the same test client in as someone else.
    assert client_as("pilot_a").get(url).status_code == 403
    assert client_as("coordinator_b").get(url).status_code == 404


def test_page_two_of_the_list_does_not_open_the_filters(client_as, records):
    """« ?page=2 » is not a filter: the panel stayed open and the count read « correspondant aux filtres »."""
    client = client_as("coordinator_a")
    html = client.get(reverse("aesh:list") + "?page=2").content.decode()
    assert "pial-filter-box fr-mb-3w\" open" not in html and "correspondant aux filtres" not in html
    html = client.get(reverse("aesh:list") + "?q=martin").content.decode()
    assert "pial-filter-box fr-mb-3w\" open" in html and "correspondant aux filtres" in html


def test_blank_quotite_is_computed_and_the_computation_said(client_as, world, settings):
    """Issue 21 item 10: the coordinator no longer computes 24 × 41 ÷ 1607 by hand."""
    aesh = AeshFactory(home_pole=world.pole_a)
    client = client_as("coordinator_a")
    page = client.get(reverse("aesh:contract_create", args=[aesh.pk])).content.decode()
    assert 'src="/static/pial/quotite.js"' in page and 'data-quotite-rounding="UP"' in page
    response = client.post(reverse("aesh:contract_create", args=[aesh.pk]), {
        "kind": "CDD", "employer": "DSDEN", "start_date": "2026-09-01", "weekly_hours": "24", "weeks": "41",
        "annual_base": "1607", "contractual_quotite": "", "referent_quotite": "0"}, follow=True)
    assert response.redirect_chain, response.content.decode()[:3000]
    assert Contract.objects.get(aesh=aesh).contractual_quotite == Decimal("62")
    assert ("Quotité contractuelle calculée : 24 h × 41 semaines ÷ 1607 h = 62 % "
            "(61,2 %, arrondi au pourcent supérieur).") in response.content.decode()
    # The year's hours and their base written alike (« 1 607 h », not « 1607 h » beside « 1 607 h 12 »).
    assert "984 h sur 1\u202f607 h" in response.content.decode()


def test_typed_quotite_is_kept_and_nothing_said(client_as, world):
    aesh = AeshFactory(home_pole=world.pole_a)
    response = client_as("coordinator_a").post(reverse("aesh:contract_create", args=[aesh.pk]), {
        "kind": "CDI", "employer": "DSDEN", "start_date": "2026-09-01", "weekly_hours": "24", "weeks": "41",
        "annual_base": "1607", "contractual_quotite": "60", "referent_quotite": "0"}, follow=True)
    assert Contract.objects.get(aesh=aesh).contractual_quotite == Decimal("60")
    assert "Quotité contractuelle calculée" not in response.content.decode()


def test_blank_quotite_without_hours_is_refused_in_french(client_as, world):
    aesh = AeshFactory(home_pole=world.pole_a)
    response = client_as("coordinator_a").post(reverse("aesh:contract_create", args=[aesh.pk]), {
        "kind": "CDI", "employer": "DSDEN", "start_date": "2026-09-01", "weekly_hours": "", "weeks": "41",
        "annual_base": "1607", "contractual_quotite": "", "referent_quotite": "0"})
    assert response.status_code == 200 and not Contract.objects.filter(aesh=aesh).exists()
    assert "pour que pial la calcule" in response.content.decode()


def test_schools_are_dsfr_checkboxes_on_the_aesh_and_avenant_forms(client_as, records):
    """Issue 21 item 10: no native multi-select needing Ctrl-click; one labelled box per school."""
    client = client_as("coordinator_a")
    contract = records["own"].contracts.get()
    for url in (reverse("aesh:create"), reverse("aesh:update", args=[records["own"].pk]),
                reverse("aesh:amendment_create", args=[contract.pk])):
        html = client.get(url).content.decode()
        assert '<select name="schools"' not in html and "Ctrl" not in html, url
        assert 'class="fr-fieldset" id="checkboxes-id_schools"' in html, url
        assert 'aria-labelledby="id_schools-legend id_schools-messages"' in html, url
        boxes = re.findall(r'<div class="fr-checkbox-group">\s*<input type="checkbox" name="schools"', html)
        assert len(boxes) == 3, url
        assert '<label class="fr-label" for="id_schools_0">' in html, url
    html = client.get(reverse("aesh:update", args=[records["own"].pk])).content.decode()
    assert 'id="id_schools_0" checked' in html  # the record's school stays ticked
    assert "cochez-en un ou plusieurs" in html  # help texts set in the form's __init__ are shown


def test_schools_ticked_are_saved_and_an_error_is_read_with_the_group(client_as, world):
    client = client_as("coordinator_a")
    response = client.post(reverse("aesh:create"), {
        "last_name": "Coché", "first_name": "Sam", "home_pole": world.pole_a.pk,
        "schools": [world.schools_a[0].pk, world.schools_a[2].pk]})
    assert response.status_code == 302
    assert set(Aesh.objects.get(last_name="Coché").schools.all()) == {world.schools_a[0], world.schools_a[2]}
    html = client.post(reverse("aesh:create"), {"last_name": "Faux", "first_name": "Sam",
                                                "home_pole": world.pole_a.pk, "schools": ["999999"]}).content.decode()
    assert "fr-fieldset--error" in html and 'aria-invalid="true" aria-describedby="id_schools-messages"' in html
    assert '<p class="fr-message fr-message--error">Sélectionnez un choix valide' in html


def test_school_checkboxes_cost_the_same_queries_for_3_or_30_schools(client_as, records, world):
    from pial.tests.factories import SchoolFactory

    client = client_as("coordinator_a")
    contract = records["own"].contracts.get()
    urls = [reverse("aesh:update", args=[records["own"].pk]), reverse("aesh:amendment_create", args=[contract.pk])]
    client.get(urls[0])  # session and caches warm
    few = [count_queries(lambda url=url: client.get(url)) for url in urls]
    SchoolFactory.create_batch(27, pole=world.pole_a, circonscription=world.schools_a[0].circonscription,
                               departement=world.schools_a[0].departement)
    records["own"].schools.set(world.pole_a.schools.all()[:10])
    many = [count_queries(lambda url=url: client.get(url)) for url in urls]
    assert many == few
    assert client.get(urls[0]).content.decode().count('name="schools"') == 30


def test_the_avenant_form_offers_only_the_schools_of_the_aesh_s_pole(client_as, records, world):
    """The gestionnaire sees every school of the département, but an AESH works in their pôle's
    (aesh.services refuses the others): the avenant's boxes are those schools only."""
    contract = records["own"].contracts.get()
    html = client_as("gestionnaire").get(reverse("aesh:amendment_create", args=[contract.pk])).content.decode()
    boxes = re.findall(r'<input type="checkbox" name="schools" value="(\d+)"', html)
    assert sorted(map(int, boxes)) == sorted(s.pk for s in world.schools_a)


# The rows as the list template wrote them before aesh.views._aesh_rows (kept to prove sameness).
FORMER_ROWS = """{% load pial_ui %}{% for aesh in page_obj %}<tr>
<td><a href="{% url 'aesh:detail' aesh.pk %}">{{ aesh }}</a></td>
<td>{% for school in aesh.schools.all %}{{ school.name }}{% if not forloop.last %}, {% endif %}{% empty %}—{% endfor %}</td>
<td>{{ aesh.contract_kind_now|default:"aucun" }}</td>
<td>{{ aesh.contract_end_now|date:"d/m/Y"|default:"—" }}</td>
<td>{{ aesh.weekly_hours_now|hours|default:"—" }}</td>
<td>{% if aesh.referent_now %}<p class="fr-badge fr-badge--sm fr-badge--purple-glycine">{{ aesh.referent_now|floatformat:"-2" }} ETP</p>{% endif %}</td>
<td>
{% if aesh.adaptation_hours >= required_hours %}<p class="fr-badge fr-badge--sm fr-badge--success">Terminée</p>
{% elif aesh.training_due_date and aesh.training_due_date < today %}<p class="fr-badge fr-badge--sm fr-badge--error">En retard · {{ aesh.adaptation_hours|hours }}</p>
{% else %}{{ aesh.adaptation_hours|hours }} / {{ required_hours|hours }}{% endif %}
</td></tr>{% endfor %}"""


@pytest.mark.parametrize("query", [{}, {"sort": "-fin"}])
def test_list_rows_are_the_markup_the_template_wrote(client_as, records, world, query):
    from django.template import Context, Template
    from django.test.html import parse_html
    from django.utils import timezone

    from pial.conf import setting

    late = AeshFactory(home_pole=world.pole_a, last_name="Retard <b>", training_due_date=datetime.date(2020, 1, 1))
    late.schools.set(world.schools_a[:2])
    TrainingFactory(aesh=late, hours=Decimal("12.5"))
    done = AeshFactory(home_pole=world.pole_a, last_name="Fini")
    TrainingFactory(aesh=done, hours=Decimal("60"))
    ContractFactory(aesh=done, referent_quotite=Decimal("0.25"))
    response = client_as("coordinator_a").get(reverse("aesh:list"), query)
    former = Template(FORMER_ROWS).render(Context({
        "page_obj": response.context["page_obj"], "today": timezone.localdate(),
        "required_hours": setting("ADAPTATION_TRAINING_HOURS"),
    }))
    rows = "".join(response.context["rows"])
    assert rows.count("<tr>") >= 4 and "En retard" in rows and "Terminée" in rows and "ETP" in rows
    assert "retard &lt;b&gt;" in rows.lower()
    assert parse_html(rows) == parse_html(former)
    assert rows in response.content.decode()
