"""Demo of the référent's toolbox, so that it is alive after
`make run`: a welcome sheet for every demo school (some with several versions), a newcomer halfway
through their path (and one whose welcome meeting is late, for the reminder), resources on the
pôle's and the département's shelves, practice-sharing sessions (one past, counted as training,
one to come), the DSDEN's training themes with this year's answers, and recourses to the
inspector, one of them answered. A login for the PIAL de Lys-Nord's référente."""

from __future__ import annotations

import datetime
import random

from aesh.models import Aesh, TrainingNeed, TrainingNeedsWindow, TrainingTheme
from aesh.selectors import schools_of
from missions.models import MissionLetter
from pial.calendar import is_day_off
from pial.demo import DEMO_DOMAIN, DEMO_PASSWORD
from pial.enums import Role
from pial.models import Membership, SchoolYear, User
from referents import services
from referents.enums import NewcomerStepKind, ResourceKind, ResourceLevel, Shelf

THEMES = ["Troubles du spectre de l'autisme", "Prise de notes et outils numériques", "Accompagnement de la pause "
          "méridienne", "Communication avec les familles", "Gestes et postures, déplacements", "Troubles des "
          "apprentissages (dys)", "Gestion des situations de crise", "Le PPS et les aménagements"]
SHEET = {
    "access": "Entrée des personnels par le portail de la rue {street} ; stationnement sur le parking de la mairie. "
              "Bus ligne {line}, arrêt « {city} centre ».",
    "hours": "Accueil des élèves à {start} ; récréation {recess} ; sortie à {end}. Sonnerie cinq minutes avant chaque "
             "reprise.",
    "contacts": "Direction : bureau au rez-de-chaussée, standard de l'établissement.\nEnseignant·e référent·e de "
                "secteur : par la direction.\nPour une absence : prévenir la direction et la coordination du pôle.",
    "aesh_room": "Salle des maîtres au premier étage ; un casier au nom de l'AESH est prévu, la clé est au bureau de "
                 "la direction.",
    "lunch": "Restaurant scolaire de {lunch_start} à 13 h 20. Les AESH qui accompagnent un·e élève sur la pause "
             "méridienne déjeunent au service du personnel, après les élèves.",
    "rules": "Règlement intérieur affiché dans le hall. Exercices de sécurité (PPMS) une fois par trimestre : suivre "
             "l'enseignant·e de la classe.",
    "other": "Le cahier de liaison des AESH est dans la salle des maîtres : on y note les changements d'emploi du "
             "temps.",
}
SECOND_DEGREE = {"hours": "Cours de 8 h 05 à 17 h 00 par séquences de 55 minutes ; récréations à 10 h et 15 h. "
                          "Le carnet de correspondance sert aussi à l'AESH.",
                 "contacts": "Vie scolaire (CPE) : bureau face à l'entrée, par le standard.\nDirection : secrétariat "
                             "au premier étage.\nInfirmerie : rez-de-chaussée, aile B.\nProfesseur·e principal·e : par "
                             "la vie scolaire."}


def _school_day_before(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5 or is_day_off(day, "B"):
        day -= datetime.timedelta(days=1)
    return day


def seed(context: dict) -> None:
    today, rng = context["today"], random.Random(2026)
    coordinator = User.objects.get(email=f"coordination@{DEMO_DOMAIN}")
    gestionnaire = User.objects.get(email=f"gestionnaire@{DEMO_DOMAIN}")
    pilot = User.objects.get(email=f"pilote@{DEMO_DOMAIN}")
    poles = context["poles"]
    referents = {letter.pole_id: letter.referent for letter in MissionLetter.objects.select_related("referent")}
    referente = _referent_login(referents[poles["pial1"].pk], context)
    _sheets(context, coordinator, referente, rng)
    _newcomers(context, today, coordinator, referents)
    resources = _resources(context, coordinator, gestionnaire, referente)
    _sessions(context, today, referents, resources, pilot, coordinator)
    _training_needs(context, today, coordinator, rng)


def _referent_login(referent: Aesh, context) -> Aesh:
    user = User.objects.create_user(f"referente@{DEMO_DOMAIN}", DEMO_PASSWORD, first_name=referent.first_name,
                                    last_name=referent.last_name)
    membership = Membership.objects.create(user=user, role=Role.AESH, pole_id=referent.home_pole_id)
    referent.user = user
    referent.save(update_fields=["user"])
    context["logins"].append((user.email, f"{membership} (AESH référente)"))
    return referent


def _sheets(context, coordinator, referente, rng) -> None:
    for index, school in enumerate(context["schools"]):
        second = school.kind in ("COLLEGE", "LYCEE", "LP", "EREA")
        values = {"street": context["faker"].street_name(), "line": rng.randint(1, 12), "city": school.city,
                  "start": "8 h 20", "recess": "de 10 h 15 à 10 h 30", "end": "16 h 30", "lunch_start": "11 h 45"}
        data = {name: text.format(**values) for name, text in SHEET.items()}
        if second:
            data.update(SECOND_DEGREE)
        ulis = list(school.ulis_units.all())
        data["ulis"] = "\n".join(f"{u.name} : salle à côté du CDI, coordonnée par l'enseignant·e de l'ULIS."
                                 for u in ulis)
        author = coordinator if school.pole_id == context["poles"]["pial1"].pk else None
        services.sheet_save(school=school, data=data, user=author,
                            author_label="Claire LEFÈVRE (coordonnatrice)" if author else "coordination du pôle")
        if index % 3 == 0 and school.pole_id == referente.home_pole_id:
            data["aesh_room"] += "\nDepuis les vacances : un second casier dans la salle du RASED."
            data["lunch"] = data["lunch"].replace("11 h 45", "11 h 30")
            services.sheet_save(school=school, data=data, user=referente.user,
                                author_label=f"{referente.first_name} {referente.last_name.upper()} (AESH référente)")


def _newcomers(context, today, coordinator, referents) -> None:
    """A newcomer of Lys-Nord halfway (welcome meeting by the référente, sheets read), one of the
    PAS whose welcome meeting is late (the reminder job has someone to write about)."""
    for key, halfway in (("pial1", True), ("pas", False)):
        pole = context["poles"][key]
        newcomer = (Aesh.objects.filter(home_pole=pole).exclude(pk=referents[pole.pk].pk)
                    .annotate(joined=services.joined_on_annotation()).order_by("-joined", "pk").first())
        joined = min(newcomer.joined, today - datetime.timedelta(days=21))
        path = services.path_open(aesh=newcomer, joined_on=joined, today=today, user=coordinator if halfway else None,
                                  referent=referents[pole.pk])
        if not halfway:
            continue
        referent = referents[pole.pk]
        label = f"{referent.first_name} {referent.last_name.upper()} (AESH référente)"
        services.step_done(path=path, kind=NewcomerStepKind.WELCOME_MEETING, user=referent.user, by_referent=referent,
                           day=_school_day_before(joined + datetime.timedelta(days=3)), minutes=90,
                           note="Présentation du pôle et des établissements ; démarches de la paie.",
                           done_by_label=label)
        # « Livrets lus » ticked by the AESH: they did read them (the path lists each sheet as read).
        for school in schools_of(newcomer, today).select_related("welcome_sheet"):
            if getattr(school, "welcome_sheet", None) is not None:
                services.sheet_read(sheet=school.welcome_sheet, aesh=newcomer)
        services.step_done(path=path, kind=NewcomerStepKind.SHEETS_READ, user=None, by_referent=None,
                           day=_school_day_before(joined + datetime.timedelta(days=5)), done_by_label="l'AESH")


def _resources(context, coordinator, gestionnaire, referente) -> list:
    pole, departement = context["poles"]["pial1"], context["departement"]
    referente_label = f"{referente.first_name} {referente.last_name.upper()} (AESH référente)"
    made = []
    for title, url, tags, levels, description in [
        ("Cap École inclusive", "https://www.reseau-canope.fr/cap-ecole-inclusive", "ressources nationales, "
         "adaptations", [], "Des fiches par besoin de l'élève et des situations de classe, avec des adaptations "
         "pédagogiques."),
        ("Éduscol : scolariser les élèves en situation de handicap", "https://eduscol.education.fr/1137/",
         "textes officiels", [], "Les textes, le rôle des AESH, le PPS et les PIAL."),
        ("École inclusive du Val-de-Lys (site départemental)", "https://ecole-inclusive.val-de-lys.invalid/",
         "département, contacts", [], "Les formations de l'année, les contacts de la DSDEN et des pôles."),
    ]:
        made.append(services.resource_add(shelf=Shelf.DEPARTEMENT, departement=departement, title=title,
                                          kind=ResourceKind.LINK, url=url, description=description, tags=tags,
                                          levels=levels, user=gestionnaire, added_by_label="DSDEN du Val-de-Lys"))
    for title, url, tags, levels, description in [
        ("Prendre des notes pour un·e élève : la méthode du pôle", "https://ecole-inclusive.val-de-lys.invalid/notes",
         "prise de notes", [ResourceLevel.ELEMENTAIRE, ResourceLevel.COLLEGE],
         "Le gabarit partagé à l'échange de pratiques de novembre."),
        ("Pause méridienne : repères pour l'accompagnement", "https://ecole-inclusive.val-de-lys.invalid/cantine",
         "pause méridienne, autonomie", [ResourceLevel.MATERNELLE, ResourceLevel.ELEMENTAIRE],
         "Avant, pendant et après le repas : ce que fait l'AESH, ce qu'il ne fait pas."),
        ("Autisme : des pictogrammes pour la journée", "https://ecole-inclusive.val-de-lys.invalid/pictos",
         "autisme, communication", [ResourceLevel.MATERNELLE, ResourceLevel.ELEMENTAIRE],
         "Planches à imprimer, et la façon de les introduire avec l'enseignant·e."),
    ]:
        made.append(services.resource_add(shelf=Shelf.POLE, pole=pole, title=title, kind=ResourceKind.LINK, url=url,
                                          description=description, tags=tags, levels=levels, user=referente.user,
                                          added_by_label=referente_label))
    pas = context["poles"]["pas"]
    made.append(services.resource_add(shelf=Shelf.POLE, pole=pas, title="Carnet de bord de l'AESH (modèle du PAS)",
                                      kind=ResourceKind.LINK, url="https://ecole-inclusive.val-de-lys.invalid/carnet",
                                      tags="outils communs", user=None, added_by_label="coordination du PAS"))
    return made


def _sessions(context, today, referents, resources, pilot, coordinator) -> None:
    pole = context["poles"]["pial1"]
    referent = referents[pole.pk]
    colleagues = list(Aesh.objects.filter(home_pole=pole).exclude(pk=referent.pk).order_by("pk"))
    julie = next(a for a in colleagues if a.user_id and a.user.email == f"aesh@{DEMO_DOMAIN}")
    theme = TrainingTheme.objects.filter(departement=context["departement"]).order_by("position").first()
    past = services.session_save(session=_session(pole, referent, _school_day_before(today - datetime.timedelta(
        days=20)), "La prise de notes : outils et gabarits", theme, "Salle polyvalente de l'école Jules Ferry",
        "Chacun·e a apporté un outil ; le gabarit commun est sur l'étagère du pôle."),
        resources=[r for r in resources if r.pole_id == pole.pk][:1], user=coordinator)
    services.session_attendance(session=past, attendees=[*colleagues[:6], julie], today=today)
    services.session_training(session=past, counts=True, user=pilot)
    upcoming = services.session_save(session=_session(pole, referent, today + datetime.timedelta(days=16),
                                                      "Communiquer avec les familles", None, "Collège Jean Moulin", ""),
                                     resources=[], user=coordinator)
    for aesh in [julie, *colleagues[6:9]]:
        services.session_sign_up(session=upcoming, aesh=aesh, signed_up=True, today=today)
    pas = context["poles"]["pas"]
    services.session_save(session=_session(pas, referents[pas.pk], today + datetime.timedelta(days=9),
                                           "Gestes et postures : les déplacements", None, "EREA", ""),
                          resources=[], user=None)


def _session(pole, referent, day, theme, training_theme, place, summary):
    from referents.models import PracticeSession

    return PracticeSession(pole=pole, referent=referent, date=day, minutes=120, theme=theme,
                           training_theme=training_theme, place=place, summary=summary)


def _training_needs(context, today, coordinator, rng) -> None:
    """The DSDEN's themes; the window open in Lys-Nord (answers coming in) and closed in the PAS."""
    departement = context["departement"]
    themes = [TrainingTheme.objects.create(departement=departement, name=name, position=index)
              for index, name in enumerate(THEMES)]
    year = SchoolYear.objects.current()
    # Popular, common and rare themes: a few counts fall under the threshold (secret statistique).
    weights = [0.75, 0.5, 0.45, 0.35, 0.2, 0.12, 0.06, 0.3]
    for key, opens, closes in (("pial1", today - datetime.timedelta(days=7), today + datetime.timedelta(days=14)),
                               ("pas", max(year.start_date, today - datetime.timedelta(days=40)),
                                max(year.start_date, today - datetime.timedelta(days=10)))):
        pole = context["poles"][key]
        window = TrainingNeedsWindow.objects.create(pole=pole, school_year=year, opens_on=max(opens, year.start_date),
                                                    closes_on=min(max(closes, year.start_date), year.end_date),
                                                    opened_by=coordinator if key == "pial1" else None)
        for aesh in Aesh.objects.filter(home_pole=pole).order_by("pk")[:12]:
            chosen = [t for t, w in zip(themes, weights, strict=True) if rng.random() < w]
            other = rng.choice(["", "", "", "La langue des signes, pour un élève sourd.",
                                "Les outils numériques de la classe (tablette, ENT)."])
            if chosen or other:
                need = TrainingNeed.objects.create(window=window, aesh=aesh, other=other)
                need.themes.set(chosen)
