"""The README tells a newcomer what they will meet, and points only inside the repository."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def test_the_readme_points_only_inside_the_repository():
    outside = re.findall(r"(?:\.\./|(?<![\w/])shared/)[\w./-]+", README)
    assert outside == [], f"le README renvoie hors du dépôt : {outside}"
    for path in re.findall(r"`((?:[\w-]+/)+[\w.-]+\.(?:py|md|toml|txt|sh))`", README):
        assert (ROOT / path).exists(), f"le README cite {path}, absent du dépôt"


def test_the_readme_says_what_a_newcomer_meets():
    assert re.search(r"`make test` prend une dizaine de minutes", README)
    assert "Chromium ne s'installe que par root" in README and "sudo apt-get install chromium" in README
    assert "La progression en direct du planificateur" in README and "make worker" in README
    assert "Les dates de la démo suivent l'horloge de la machine" in README
