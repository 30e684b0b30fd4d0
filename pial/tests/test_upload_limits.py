"""Every file field says what it takes: a size limit and a type, refused in French, nothing saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from eleves.forms import DocumentForm
from pial.forms import DirectoryImportForm
from pial.import_flow import UploadForm
from pial.validators import MaxFileSize


def _big(name: str, megabytes: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"x" * (megabytes * 1024 * 1024 + 1))


@pytest.mark.parametrize(("form_class", "field", "good", "bad_name", "limit", "kwargs"), [
    (DirectoryImportForm, "file", "annuaire.csv", "annuaire.exe", 60, {}),
    (DocumentForm, "file", "pps.pdf", "pps.html", 10, {}),
    (UploadForm, "file", "besoins.xlsx", "besoins.exe", 10, {"scope": None}),
])
def test_each_file_field_limits_size_and_type(form_class, field, good, bad_name, limit, kwargs, world):
    from pial.scope import Scope

    if "scope" in kwargs:
        kwargs = {"scope": Scope.of(world.users["coordinator_a"].memberships.get())}
    wrong_type = form_class(data={}, files={field: SimpleUploadedFile(bad_name, b"abc")}, **kwargs)
    assert not wrong_type.is_valid()
    assert "type de fichier n'est pas accepté" in " ".join(wrong_type.errors[field])
    too_big = form_class(data={}, files={field: _big(good, limit)}, **kwargs)
    assert not too_big.is_valid()
    assert f"dépasse {limit} Mo" in " ".join(too_big.errors[field])


def test_every_form_file_field_is_bounded():
    """A new FileField anywhere in a form must carry a size limit (or check one in clean_<field>)."""
    from django import forms

    bounded, unbounded = [], []
    for form_class in (DirectoryImportForm, DocumentForm, UploadForm):
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.FileField):
                has_limit = any(isinstance(v, MaxFileSize) for v in field.validators) or hasattr(
                    form_class, f"clean_{name}")
                (bounded if has_limit else unbounded).append(f"{form_class.__name__}.{name}")
    assert unbounded == [] and len(bounded) == 3
