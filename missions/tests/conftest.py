from eleves.tests.conftest import pupils  # noqa: F401  (shared fixture)
