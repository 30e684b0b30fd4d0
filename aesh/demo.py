"""Demo AESH: ~40 people across the demo pôles, with CDD, CDI, amendments, a référent
per pôle and new recruits at various stages of the 60-hour training."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from aesh import rules
from aesh.enums import AmendmentState, ContractKind, Diploma, TrainingKind
from aesh.models import Aesh, Amendment, Contract, Training
from aesh.selectors import adaptation_due_for
from pial.calendar import school_day_on_or_after
from pial.demo import DEMO_DOMAIN
from pial.models import User

PER_POLE = {"pial1": 16, "pial2": 10, "pas": 14}
HOURS = [Decimal("24"), Decimal("24"), Decimal("20"), Decimal("27"), Decimal("30"), Decimal("35"),
         Decimal("24"), Decimal("32"), Decimal("39.2"), Decimal("18")]
TRAININGS = [
    ("Accueil des nouveaux AESH", 6), ("Connaissance des troubles du neurodéveloppement", 9),
    ("Gestes professionnels et posture", 6), ("Le PPS et les outils de compensation", 6),
    ("Communication avec les familles", 3), ("Troubles du spectre de l'autisme", 12),
    ("Handicap moteur et déplacements", 6), ("Outils numériques de compensation", 6),
    ("Analyse de pratiques", 6),
]


def seed(context: dict) -> None:
    faker, rng, today = context["faker"], context["rng"], context["today"]
    schools_by_pole: dict[int, list] = {}
    for school in context["schools"]:
        schools_by_pole.setdefault(school.pole_id, []).append(school)
    year_start = _school_year_start(today)
    everyone = []
    for key, count in PER_POLE.items():
        pole = context["poles"][key]
        for index in range(count):
            profile = _profile(index, count)
            aesh = Aesh.objects.create(
                first_name=faker.first_name_female() if rng.random() < 0.9 else faker.first_name_male(),
                last_name=faker.last_name(), home_pole=pole,
                email="", phone=faker.numerify("06 ## ## ## ##"),
                diploma=rng.choice([Diploma.DEAES, Diploma.AUCUN, Diploma.BAC_ASSP, Diploma.DEAES, Diploma.AUTRE]),
            )
            aesh.email = f"{_slug(aesh.first_name)}.{_slug(aesh.last_name)}{aesh.pk}@ac-demo.fr"
            aesh.save(update_fields=["email"])
            aesh.schools.set(rng.sample(schools_by_pole[pole.pk], k=min(len(schools_by_pole[pole.pk]),
                                                                          rng.choice([1, 1, 2, 2, 3]))))
            _contracts(aesh, profile, rng, today, year_start)
            _trainings(aesh, profile, rng, today)
            everyone.append((aesh, profile))
        _referent(next(a for a, p in everyone if a.home_pole_id == pole.pk and p == "cdi"), today)
    demo_user = User.objects.get(email=f"aesh@{DEMO_DOMAIN}")
    julie = next(a for a, p in everyone if a.home_pole_id == context["poles"]["pial1"].pk and p == "cdd_recent")
    julie.first_name, julie.last_name, julie.email, julie.user = "Julie", "Bernard", demo_user.email, demo_user
    julie.save()
    _pending_amendment(next(a for a, p in everyone if p == "cdd_old"), today)
    context["aesh"] = [a for a, _ in everyone]


def _profile(index: int, count: int) -> str:
    """Each pôle gets CDI veterans, CDD in their 2nd-3rd year, and new recruits."""
    kinds = ["cdi", "cdi", "cdd_old", "cdd_recent", "new", "cdd_old", "cdi", "new", "cdd_recent", "late"]
    return kinds[index % len(kinds)]


def _contracts(aesh, profile, rng, today, year_start) -> None:
    hours = rng.choice(HOURS)
    weeks = 41 if rng.random() < 0.85 else 43
    def make(kind, start, end, weekly):
        quotite = rules.computed_quotite(weekly, weeks, 1607)
        return Contract.objects.create(
            aesh=aesh, kind=kind, start_date=start, end_date=end, weekly_hours=weekly, weeks=weeks,
            annual_base=1607, contractual_quotite=quotite, lunch_duty=rng.random() < 0.2,
        )
    if profile == "cdi":
        first = year_start - relativedelta(years=rng.choice([4, 5, 6]))
        make(ContractKind.CDD, first, first + relativedelta(years=3) - datetime.timedelta(days=1), hours)
        make(ContractKind.CDI, first + relativedelta(years=3), None, hours)
    elif profile == "cdd_old":
        # Third year of a CDD: renewal will have to be a CDI; some end soon.
        start = year_start - relativedelta(years=2) + relativedelta(months=rng.choice([0, 3, 6]))
        make(ContractKind.CDD, start, rules.default_cdd_end(start), hours)
    elif profile in ("cdd_recent", "late"):
        start = year_start - relativedelta(years=1)
        make(ContractKind.CDD, start, rules.default_cdd_end(start), hours)
    else:  # new recruit this school year
        start = min(year_start + relativedelta(days=rng.choice([0, 0, 14, 60])), today)
        make(ContractKind.CDD, start, rules.default_cdd_end(start), hours)
    first = aesh.contracts.order_by("start_date").first()
    aesh.first_hire_date = first.start_date
    aesh.training_due_date = adaptation_due_for(first.start_date)
    aesh.save(update_fields=["first_hire_date", "training_due_date"])


def _trainings(aesh, profile, rng, today) -> None:
    if profile == "new":
        target = rng.choice([0, 6, 15, 27, 36])
    elif profile == "late":
        target = rng.choice([12, 21, 33])
    else:
        target = 60
    done, day = 0, aesh.first_hire_date + datetime.timedelta(days=10)
    zone = aesh.home_pole.schools.exclude(zone="").values_list("zone", flat=True).first() or "B"
    for title, hours in TRAININGS:
        if done + hours > target or day > today:
            break
        Training.objects.create(aesh=aesh, kind=TrainingKind.ADAPTATION, date=school_day_on_or_after(day, zone),
                                hours=hours, title=title, organizer="DSDEN — formation des AESH")
        done += hours
        day += datetime.timedelta(days=21)
    if profile == "cdi" and rng.random() < 0.5:
        Training.objects.create(aesh=aesh, kind=TrainingKind.CONTINUING,
                                date=school_day_on_or_after(today - datetime.timedelta(days=40), zone),
                                hours=Decimal("6"), title="Parcours m@gistère : école inclusive")


def _referent(aesh, today) -> None:
    """An accepted amendment giving 0.25 or 0.5 ETP of référent time, hours reduced to fit."""
    contract = aesh.contracts.get(kind=ContractKind.CDI)
    effective = max(contract.start_date, today - relativedelta(months=2))
    weekly = Decimal("20")
    quotite = rules.computed_quotite(weekly, contract.weeks, contract.annual_base)
    referent = Decimal("0.25") if quotite > 50 else Decimal("0.5")
    Amendment.objects.create(
        contract=contract, proposed_on=effective - relativedelta(days=20), effective_date=effective,
        state=AmendmentState.ACCEPTED, answered_on=effective - relativedelta(days=10),
        weekly_hours=weekly, contractual_quotite=quotite, referent_quotite=referent,
        note="Désignation comme AESH référent·e du pôle (arrêté du DASEN).",
    )


def _pending_amendment(aesh, today) -> None:
    contract = aesh.contracts.first()
    Amendment.objects.create(
        contract=contract, proposed_on=today - relativedelta(days=5), effective_date=today + relativedelta(days=20),
        state=AmendmentState.PROPOSED, lunch_duty=True,
        note="Ajout de l'accompagnement sur la pause méridienne.",
    )


def _school_year_start(today: datetime.date) -> datetime.date:
    return datetime.date(today.year if today.month >= 8 else today.year - 1, 9, 1)


def _slug(text: str) -> str:
    from pial.spreadsheets import fold

    return fold(text).replace(" ", "-").replace("'", "")
