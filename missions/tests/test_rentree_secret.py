"""The secret statistique of the rentrée pages, as pure functions (missions.rentree_secret)."""

from decimal import Decimal

from missions.rentree_secret import preparation_hidden, shown_blockers, switch_hidden


def test_a_poles_small_counts_and_the_hours_of_few_pupils_are_hidden():
    summary = {"staying": 12, "moving_in": 0, "moving_in_proposed": 1, "moving_out": 2, "leaving": 3,
               "unknown_school": 0, "renewals": 1, "hours_notified": Decimal("6"), "hours_gap": Decimal("-18"),
               "hours_students": 1, "contracts_ending": 1}
    assert preparation_hidden(summary, 3) == dict.fromkeys(
        ("moving_in_proposed", "moving_out", "renewals", "hours_notified", "hours_gap"), True)
    assert preparation_hidden({**summary, "hours_students": 4}, 3).get("hours_notified") is None
    assert preparation_hidden(summary, 1) == {}  # no threshold: nothing hidden


def _summary(by_pole=None, transfers=None, **values):
    """The switch's totals, as the plan adds them up from its pôles."""
    by_pole = by_pole or {}
    leavers = sum(p.get("leaving", 0) for p in by_pole.values())
    pending = sum(p.get("pending", 0) for p in by_pole.values())
    moving_out = sum(p.get("moving_out", 0) for p in by_pole.values())
    return {"levels": 40, "schools": 10, "transfers": moving_out - pending if transfers is None else transfers,
            "pending_transfers": pending, "leavers": leavers, **values}


def test_a_total_that_gives_a_poles_hidden_count_back_is_hidden():
    # Pôle 1 has 1 leaver (hidden on its page), pôle 2 has 6 (shown): 7 − 6 would give the 1 back.
    by_pole = {1: {"leaving": 1, "moving_out": 0, "unknown_school": 0, "pending": 0},
               2: {"leaving": 6, "moving_out": 5, "unknown_school": 0, "pending": 0}}
    assert switch_hidden(_summary(by_pole), by_pole, 3) == {"leavers"}


def test_two_hidden_counts_keep_the_total_when_it_narrows_neither():
    # 1 + 1 hidden, 5 shown: the total 7 says the two hidden add up to 2, so each is 1: hidden.
    # 2 + 2 hidden, 5 shown: the total 9 says they add up to 4, each is then 2: hidden as well.
    # 1 + 2 hidden, 5 shown: 8 says 3, each is 1 or 2, as the pôle's page says: the total stays.
    def poles(a, b):
        return {1: {"leaving": a}, 2: {"leaving": b}, 3: {"leaving": 5}}

    for a, b, hidden in ((1, 1, True), (2, 2, True), (1, 2, False)):
        assert ("leavers" in switch_hidden(_summary(poles(a, b)), poles(a, b), 3)) is hidden, (a, b)


def test_small_totals_are_hidden_and_zero_is_shown():
    assert switch_hidden(_summary(schools=2), {}, 3) == {"schools"}


def test_the_transfers_do_not_give_a_poles_moving_out_back():
    # Pôle 1: 1 pupil changing pôle (hidden), pôle 2: 4 (shown); 5 transfers done, none pending.
    by_pole = {1: {"moving_out": 1}, 2: {"moving_out": 4}}
    assert "transfers" in switch_hidden(_summary(by_pole), by_pole, 3)


def test_the_blockers_name_the_pole_without_a_small_count():
    by_pole = {1: {"pending": 1, "unknown_school": 4}, 2: {"pending": 0, "unknown_school": 0}}
    assert shown_blockers(by_pole, {1: "PIAL Alpha", 2: "PIAL Bêta"}, 2, 3) == [
        "PIAL Alpha : des élèves projetés dans un autre pôle sans transfert accepté (effectif sous le secret "
        "statistique)",
        "PIAL Alpha : 4 élève(s) sans établissement connu à la rentrée",
        "2 contrat(s) se terminant sans décision"]
