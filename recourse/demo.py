"""Demo of « Solliciter l'IEN »: Julie Bernard's recourse, answered by the IEN of Lys-Nord (an
interview proposed), and one waiting in Lys-Sud whose AESH informed the coordination."""

from aesh.models import Aesh
from aesh.selectors import schools_of
from pial.demo import DEMO_DOMAIN
from pial.models import User
from recourse import services
from recourse.enums import RecourseCategory, RecourseStatus


def seed(context: dict) -> None:
    today = context["today"]
    julie = Aesh.objects.get(user__email=f"aesh@{DEMO_DOMAIN}")
    school = schools_of(julie, today).first()
    recourse = services.recourse_send(
        aesh=julie, school=school, category=RecourseCategory.FAMILY, subject="Échanges difficiles à la sortie",
        student_label="Léo M.", inform_coordination=False,
        text="Depuis trois semaines, un parent m'interpelle à la sortie de l'école sur ce qui se passe en classe et "
             "me demande mon numéro personnel. J'ai répondu que ces échanges se font avec l'enseignante. "
             "Je souhaiterais savoir comment me positionner.")
    ien = User.objects.get(email=f"ien@{DEMO_DOMAIN}")
    services.recourse_answer(
        recourse=recourse, user=ien, status=RecourseStatus.MEETING_PROPOSED,
        text="Merci de votre message : vous avez eu la bonne attitude. Je vous propose un entretien mardi prochain à "
             "16 h 45 à l'inspection ; j'en parlerai aussi à la directrice, sans vous nommer si vous le préférez.")
    pas_aesh = Aesh.objects.filter(home_pole=context["poles"]["pas"]).order_by("pk").first()
    pas_school = schools_of(pas_aesh, today).first()
    services.recourse_send(
        aesh=pas_aesh, school=pas_school, category=RecourseCategory.WORKING_CONDITIONS,
        subject="Emploi du temps sur trois établissements", inform_coordination=True,
        text="Mon emploi du temps me fait changer trois fois d'établissement le jeudi, sans temps de trajet prévu.")
