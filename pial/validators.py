from django.core.exceptions import ValidationError

from pial.rules import uai_error


def validate_uai(value: str) -> None:
    message = uai_error(value)
    if message:
        raise ValidationError(message, code="invalid_uai")
