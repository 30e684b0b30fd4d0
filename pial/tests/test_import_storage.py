"""Where an import waits between its steps: the storage alias « imports », a private directory by
default, any django-storages backend from the environment; staged rows come back as they went."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from pial import uploads
from pial.env import env_storage


def test_the_import_storage_is_a_private_directory_by_default(monkeypatch, tmp_path):
    monkeypatch.delenv("IMPORT_STORAGE_BACKEND", raising=False)
    assert env_storage("IMPORT_STORAGE", tmp_path / "imports") == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "imports"), "base_url": None},
    }


def test_a_shared_backend_and_its_options_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("IMPORT_STORAGE_BACKEND", "storages.backends.s3.S3Storage")
    monkeypatch.setenv("IMPORT_STORAGE_OPTIONS", '{"bucket_name": "pial-imports", "endpoint_url": '
                                                 '"https://s3.example.fr", "location": "imports", "default_acl": '
                                                 '"private", "querystring_auth": true}')
    entry = env_storage("IMPORT_STORAGE", tmp_path)
    storage = import_string(entry["BACKEND"])(**entry["OPTIONS"])  # boto3 connects lazily: no network here
    assert (storage.bucket_name, storage.endpoint_url, storage.location, storage.default_acl) == (
        "pial-imports", "https://s3.example.fr", "imports", "private")


@pytest.mark.parametrize("raw", ["pas du json", "[1, 2]"])
def test_options_that_are_not_a_json_object_stop_the_server(monkeypatch, tmp_path, raw):
    monkeypatch.setenv("IMPORT_STORAGE_BACKEND", "storages.backends.s3.S3Storage")
    monkeypatch.setenv("IMPORT_STORAGE_OPTIONS", raw)
    with pytest.raises(ImproperlyConfigured, match=re.escape("IMPORT_STORAGE_OPTIONS doit être un objet JSON")):
        env_storage("IMPORT_STORAGE", tmp_path)


def test_staged_rows_come_back_typed_through_any_storage_backend(settings):
    settings.STORAGES = {**settings.STORAGES, "imports": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    rows = [["Élève", "Heures", "Naissance", "Début"], [],
            ["MARTIN Jade", Decimal("12.5"), datetime.date(2016, 3, 14), datetime.datetime(2026, 9, 1, 8, 30)],
            ["NGUYEN Tom", 24, datetime.time(8, 30), True]]
    uploads.stage_rows("jeton", rows)
    assert uploads.load_rows("jeton") == rows
    with pytest.raises(FileExistsError):
        uploads.stage_rows("jeton", rows)
    uploads.discard("jeton")
    with pytest.raises(FileNotFoundError):
        uploads.load_rows("jeton")
