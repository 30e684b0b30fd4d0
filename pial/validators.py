from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator

from pial.rules import uai_error


def validate_uai(value: str) -> None:
    message = uai_error(value)
    if message:
        raise ValidationError(message, code="invalid_uai")


class MaxFileSize:
    """A file field's size limit, said in megabytes to the person who chose the file."""

    def __init__(self, megabytes: int):
        self.megabytes = megabytes

    def __call__(self, file) -> None:
        if file.size > self.megabytes * 1024 * 1024:
            raise ValidationError(f"Le fichier dépasse {self.megabytes} Mo.", code="file_too_large")

    def __eq__(self, other) -> bool:
        return isinstance(other, MaxFileSize) and other.megabytes == self.megabytes

    def deconstruct(self):
        return ("pial.validators.MaxFileSize", (self.megabytes,), {})


def file_extension(*allowed: str) -> FileExtensionValidator:
    return FileExtensionValidator(
        allowed_extensions=list(allowed),
        message=f"Ce type de fichier n'est pas accepté : envoyez un fichier {', '.join(a.upper() for a in allowed)}.",
    )


SEARCH_MAX_WORDS = 10


def validate_search_words(value: str) -> None:
    """A list's search box: each word is one more filter (names, e-mail), and past some hundreds a
    database refuses the statement; ten words find anyone."""
    if len(value.split()) > SEARCH_MAX_WORDS:
        raise ValidationError(f"Recherchez avec {SEARCH_MAX_WORDS} mots au plus.", code="too_many_words")
