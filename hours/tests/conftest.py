"""The missions fixtures (an AESH with a contract, notified students) serve here too."""

from missions.tests.conftest import students, team  # noqa: F401  (shared fixtures)
