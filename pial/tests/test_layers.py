"""The floors of the house hold: no import runs back up, no circle inside an app.

The contracts are in pyproject.toml ([tool.importlinter]): floors from the ground up (pial;
aesh and eleves, independent; missions; hours then planner; reports), and no circle among the
modules of an app. grimp reads every import, those inside functions included, so a circle
broken by a function-level import is still a circle. A broken contract prints its chain.
"""

from pathlib import Path

from django.conf import settings
from importlinter.application.use_cases import SUCCESS, lint_imports
from importlinter.configuration import configure


def test_import_contracts_are_kept(monkeypatch, capsys):
    monkeypatch.chdir(Path(settings.BASE_DIR))
    configure()
    kept = lint_imports(no_logo=True, cache_dir=None)
    printed = capsys.readouterr().out
    assert kept == SUCCESS, printed
    assert "3 kept, 0 broken" in printed
