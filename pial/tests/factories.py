import factory
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator

from pial.enums import PoleDegree, PoleKind, Role, SchoolKind, Zone
from pial.models import Circonscription, Departement, Membership, Pole, School, SchoolYear, User
from pial.rules import uai_check_letter


def valid_uai(n: int) -> str:
    digits = f"{n:07d}"
    return digits + uai_check_letter(digits)


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{(n % 89) + 1:02d}")
    name = factory.Sequence(lambda n: f"Département {n}")
    academie = "Rennes"


class CirconscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Circonscription

    departement = factory.SubFactory(DepartementFactory)
    name = factory.Sequence(lambda n: f"Circonscription {n}")
    ien_name = "M. Martin"


class PoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pole

    name = factory.Sequence(lambda n: f"PIAL {n}")
    kind = PoleKind.PIAL
    degree = PoleDegree.PREMIER
    departement = factory.SubFactory(DepartementFactory)
    circonscription = factory.SubFactory(
        CirconscriptionFactory, departement=factory.SelfAttribute("..departement")
    )


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    uai = factory.Sequence(lambda n: valid_uai(3500000 + n))
    name = factory.Sequence(lambda n: f"École {n}")
    kind = SchoolKind.ELEMENTAIRE
    city = "Rennes"
    pole = factory.SubFactory(PoleFactory)
    departement = factory.SelfAttribute("pole.departement")
    circonscription = factory.SelfAttribute("pole.circonscription")
    zone = Zone.B


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear

    name = "2026-2027"
    start_date = factory.Faker("date_object")
    end_date = factory.Faker("date_object")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@ac-test.fr")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    password = factory.PostGenerationMethodCall("set_password", "mot-de-passe-de-test")

    class Params:
        with_totp = factory.Trait(
            totp=factory.RelatedFactory("pial.tests.factories.TotpFactory", factory_related_name="user")
        )

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TotpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authenticator

    user = factory.SubFactory(UserFactory)
    type = Authenticator.Type.TOTP
    data = factory.LazyFunction(lambda: {"secret": get_mfa_adapter().encrypt("JBSWY3DPEHPK3PXP")})


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, with_totp=True)
    role = Role.COORDINATOR
    pole = factory.SubFactory(PoleFactory)
