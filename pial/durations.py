"""The one way pial writes a duration: « 39 h 12 », « 30 min », « 0 h », « −1 h 30 ».

Every page, PDF, message and e-mail writes durations through these functions (templates through
the `duration` and `hours` filters of `pial_ui`): never « 39,20 » or « 37,2 h ».
"""

from decimal import Decimal, InvalidOperation

MINUS = "\u2212"


def format_minutes(minutes, *, signed: bool = False) -> str:
    """« 2 h 30 », « 45 min », « 0 h »; with `signed`, « +2 h 30 » / « −1 h »."""
    total = round(float(minutes))
    sign = MINUS if total < 0 else ("+" if signed and total > 0 else "")
    hours, rest = divmod(abs(total), 60)
    if hours and rest:
        return f"{sign}{hours:,} h {rest:02d}".replace(",", "\u202f")
    if rest:
        return f"{sign}{rest} min"
    return f"{sign}{hours:,} h".replace(",", "\u202f")


def hours_to_minutes(hours) -> int:
    """Decimal hours (a contract's 39.20) as whole minutes (2 352)."""
    return int((Decimal(str(hours).replace(",", ".")) * 60).to_integral_value())


def format_hours(hours) -> str:
    """Decimal hours as a duration: 39.20 → « 39 h 12 », 37.2 → « 37 h 12 », 60 → « 60 h »."""
    try:
        return format_minutes(hours_to_minutes(hours))
    except (InvalidOperation, ValueError, TypeError):
        return ""
