"""The secret statistique on the rentrée pages, for a reader above the pôle (the DSDEN).

The pôle's coordination and pilots read every pupil's projection: they see exact counts and
lists, they act on them. The gestionnaire reads figures only, pôle by pôle (« Bilan à blanc »)
and for the whole département (« Basculer »): there, as in the reports, a count of 1 to
threshold − 1 pupils is not published, nor the hours of so few pupils, and a département total
is hidden too where, with the pôles' published figures, it would give a hidden one back
(pial.privacy, the reports' own protection). One label, « secret », for every hidden cell.

What a reader knows of a pôle's hidden count — between 1 and threshold − 1, since a pôle's page
hides small counts only — is part of the model: a total is hidden when it narrows a hidden
count below that.
"""

from __future__ import annotations

from pial import privacy

HIDDEN_LABEL = "secret"
# The pupil counts of a pôle's « Bilan à blanc » (contracts are the employer's own figures).
PUPIL_COUNTS = ("staying", "moving_in", "moving_in_proposed", "moving_out", "leaving", "unknown_school", "renewals")
PUPIL_HOURS = ("hours_notified", "hours_gap")  # the gap is the notified hours less the published available ones
# A pôle's figures that the switch page adds up, or names on its blockers.
POLE_FIGURES = ("leaving", "moving_out", "unknown_school", "pending")
SWITCH_COUNTS = ("levels", "schools", "transfers", "pending_transfers", "leavers")  # pupils; assignments are not


def is_small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def preparation_hidden(summary: dict, threshold: int) -> dict[str, bool]:
    """The cells of a pôle's « Bilan à blanc » a reader above the pôle does not read."""
    hidden = {key: True for key in PUPIL_COUNTS if is_small(summary.get(key) or 0, threshold)}
    if is_small(summary.get("hours_students") or 0, threshold):
        hidden.update(dict.fromkeys(PUPIL_HOURS, True))
    return hidden


def switch_hidden(summary: dict, by_pole: dict[int, dict[str, int]], threshold: int) -> set[str]:
    """The département totals of the switch page not to publish: small ones, and those that would
    narrow a pôle's hidden count (each pôle's published figures fixed, as its own page shows them)."""
    values: dict = {("total", key): summary.get(key) or 0 for key in SWITCH_COUNTS}
    for pole, figures in by_pole.items():
        for key in POLE_FIGURES:
            values[("pole", pole, key)] = figures.get(key) or 0
    small = {key for key, value in values.items() if is_small(value, threshold)}
    poles = sorted(by_pole)
    rows = [privacy.equal(("total", "leavers"), [("pole", p, "leaving") for p in poles]),
            privacy.equal(("total", "pending_transfers"), [("pole", p, "pending") for p in poles]),
            privacy.Row(((("total", "transfers"), 1.0), (("total", "pending_transfers"), 1.0),
                         *((("pole", p, "moving_out"), -1.0) for p in poles)), 0.0, 0.0),
            *(privacy.at_most(("pole", p, "pending"), ("pole", p, "moving_out")) for p in poles),
            # A pôle's hidden count: between 1 and threshold − 1, as its page tells.
            *(privacy.Row(((key, 1.0),), 1.0, threshold - 1.0) for key in small if key[0] == "pole")]
    if not small or threshold <= 2:
        return {key[1] for key in small if key[0] == "total"}
    # Each hidden cell must stay as uncertain as the pôle's page leaves it (1 to threshold − 1).
    try:
        found = privacy.protect(privacy.Problem(
            values=values, published=set(values), counts=set(values), rows=rows, primary=small,
            threshold=threshold - 1, kept={key for key in values if key[0] == "pole" and key not in small}))
    except ValueError:  # figures that do not add up (none expected): every total beside a hidden one goes
        linked = {key for row in rows for key, _ in row.terms if any(k in small for k, _ in row.terms)}
        return {key[1] for key in small | linked if key[0] == "total"}
    return {key[1] for key in found.hidden if key[0] == "total"}


def shown_blockers(by_pole: dict[int, dict[str, int]], names: dict[int, str], undecided: int,
                   threshold: int) -> list[str]:
    """What keeps the switch from running, pôle by pôle, without a count below the threshold."""
    reasons = []
    for key, many, few in (
            ("pending", "{n} élève(s) projeté(s) dans un autre pôle sans transfert accepté",
             "des élèves projetés dans un autre pôle sans transfert accepté (effectif sous le secret statistique)"),
            ("unknown_school", "{n} élève(s) sans établissement connu à la rentrée",
             "des élèves sans établissement connu à la rentrée (effectif sous le secret statistique)")):
        for pole in sorted(by_pole, key=lambda p: (names.get(p, ""), p)):
            value = by_pole[pole].get(key) or 0
            if value:
                text = few if is_small(value, threshold) else many.format(n=value)
                reasons.append(f"{names.get(pole, 'Pôle')} : {text}")
    if undecided:
        reasons.append(f"{undecided} contrat(s) se terminant sans décision")
    return reasons
