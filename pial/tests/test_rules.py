import pytest
from django.core.exceptions import ValidationError

from pial.rules import uai_check_letter, uai_error, zone_for_academie
from pial.validators import validate_uai


@pytest.mark.parametrize("uai", ["0350760L", "0942434K", "0921921N", "9720963P", " 0350760l "])
def test_valid_uai_accepted(uai):
    assert uai_error(uai) is None
    validate_uai(uai)


@pytest.mark.parametrize(
    ("uai", "fragment"),
    [
        ("0350760M", "lettre de contrôle"),
        ("0942434A", "lettre de contrôle"),
        ("035076L", "8 caractères"),
        ("03507600L", "8 caractères"),
        ("", "vide"),
        ("03507A0L", "7 chiffres suivis d'une lettre"),
        ("0350760-", "7 chiffres suivis d'une lettre"),
        ("03507600", "7 chiffres suivis d'une lettre"),
    ],
)
def test_invalid_uai_rejected_in_french(uai, fragment):
    message = uai_error(uai)
    assert message is not None and fragment in message
    with pytest.raises(ValidationError) as raised:
        validate_uai(uai)
    assert fragment in raised.value.messages[0]


def test_check_letter_skips_i_o_q():
    # 23 letters: I, O and Q are never used.
    letters = {uai_check_letter(f"{n:07d}") for n in range(23)}
    assert letters.isdisjoint({"I", "O", "Q"}) and len(letters) == 23


@pytest.mark.parametrize(
    ("academie", "zone"),
    [("Rennes", "B"), ("Créteil", "C"), ("Clermont-Ferrand", "A"), ("Orléans-Tours", "B"),
     ("Corse", "AUTRE"), ("", "")],
)
def test_zone_for_academie(academie, zone):
    assert zone_for_academie(academie) == zone
