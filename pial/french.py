"""Small rules of written French that templates and messages share."""

VOWELS = "aàâäeéèêëiîïoôöuùûüyhAÀÂÄEÉÈÊËIÎÏOÔÖUÙÛÜYH"


def de(word: str) -> str:
    """« de mars », « d'octobre », « d'avril », « d'août »: the elision before a vowel (and a mute h)."""
    word = str(word)
    return f"d\u2019{word}" if word[:1] in VOWELS else f"de {word}"
