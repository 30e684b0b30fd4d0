"""The missions fixtures (an AESH with a contract, notified pupils) serve here too."""

from missions.tests.conftest import pupils, team  # noqa: F401  (shared fixtures)
