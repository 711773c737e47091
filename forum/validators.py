"""Display names that cannot pass for the shop's team, or for nobody.

A name is stored in Unicode's compatibility form (NFKC: "ｊｏｎａｓ" is "jonas", "ﬁ" is
"fi"). It must show at least two letters or digits that a reader can see (not only the
Hangul filler U+3164 or the braille blank U+2800), keep to one alphabet within a word
(no Latin "Support" with a Cyrillic "о" in it), and carry no role word of the team in any
of the site's languages, however it is written: in brackets, with digits for letters
("Supp0rt"), with look-alike letters, or spaced. Team members may use those words (their
badge says who they are); nobody may take a team member's name, compared the same way
(``name_skeleton``).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Words that would let a member pass for the shop's staff, in the three site languages.
RESERVED_NAMES = frozenset(
    {
        # en
        "admin",
        "administrator",
        "moderator",
        "mod",
        "support",
        "staff",
        "team",
        "helpcenter",
        "help center",
        "helpdesk",
        "help desk",
        "official",
        "customer service",
        "service desk",
        "system",
        "shop",
        # tr ("resmi", official, is also a surname: only as "resmi destek")
        "yönetici",
        "moderatör",
        "destek",
        "personel",
        "ekip",
        "takım",
        "yetkili",
        "resmi destek",
        "müşteri hizmetleri",
        "yardım merkezi",
        # de
        "moderation",
        "kundenservice",
        "kundendienst",
        "mitarbeiter",
        "mitarbeiterin",
        "offiziell",
        "hilfe center",
        "hilfecenter",
        "betreiber",
    }
)

# Letters that look like Latin ones (Cyrillic and Greek), and digits and signs used for
# letters: folded to the Latin letter they pass for, for comparing names only.
_LOOK_ALIKES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j",
        "ѕ": "s", "ԁ": "d", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ɡ": "g",
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "μ": "u",
        # Armenian
        "օ": "o", "ս": "u", "ո": "n", "հ": "h", "ց": "g", "ք": "p", "Տ": "s", "Ս": "u",
        # Latin small capitals and other Latin look-alikes
        "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h",
        "ɪ": "i", "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p",
        "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
        "ı": "i", "ſ": "s",
        "0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a",
        "$": "s", "|": "l", "!": "i",
    }
)  # fmt: skip

# Characters that take a place but show nothing (besides the "C" categories, refused
# anyway): the Hangul fillers, the braille blank, the Mongolian vowel separator, and the
# spaces Unicode counts as letters or symbols.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u17b4\u17b5\u034f")
_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN")


def normalized(name: str) -> str:
    """The form a name is stored in: NFKC, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", name).split())


def name_skeleton(name: str) -> str:
    """A comparison key: case folded in every language (Turkish dotted and dotless i
    included: ``ADMİN``, ``admın`` and ``Admin`` meet), accents, look-alike letters and
    digits folded to the Latin letter they pass for, punctuation and spacing ignored."""
    folded = normalized(name).replace("İ", "i").replace("I", "i").replace("ı", "i").casefold()
    decomposed = unicodedata.normalize("NFKD", folded)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", plain.translate(_LOOK_ALIKES)).split())


_RESERVED_SKELETONS = frozenset(name_skeleton(n) for n in RESERVED_NAMES)


# A role word this long is refused inside a longer word too ("SupportDeniz"); shorter ones
# only as words of their own ("Staffan" and "Modesto" are names).
_INSIDE_FROM = 7


def _looks_like_staff(value: str) -> bool:
    # Digits at the end of a word are a number, not letters: "Admin2", "Staff1 Deniz".
    numbered = re.sub(r"(?<=[^\W\d])\d+(?=\W|$)", "", value)
    return _staff_words(value) or _staff_words(numbered)


def _staff_words(value: str) -> bool:
    words = name_skeleton(value).split()
    padded, joined = f" {' '.join(words)} ", "".join(words)
    return any(
        f" {reserved} " in padded  # a word or phrase of its own: "[Staff] Deniz"
        or reserved.replace(" ", "") == joined  # spaced out: "S T A F F"
        # One word made of a long role word and a name ("SupportDeniz"); in a name of
        # several words, a word that only contains one is its own ("Supporter", "Unofficial").
        or (
            len(words) == 1
            and len(reserved.replace(" ", "")) >= _INSIDE_FROM
            and reserved.replace(" ", "") in joined
        )
        for reserved in _RESERVED_SKELETONS
    )


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    return next((s for s in _SCRIPTS if name.startswith(s)), "")


def _mixes_scripts(value: str) -> bool:
    """A word with letters of two of Latin, Cyrillic and Greek: a look-alike spelling."""
    for word in re.findall(r"\w+", value):
        if len({_script(c) for c in word if c.isalpha()} - {""}) > 1:
            return True
    return False


def _visible(char: str) -> bool:
    return char.isalnum() and char not in _INVISIBLE


MAX_LENGTH = 40  # Profile.display_name


def validate_display_name(value: str, *, allow_reserved: bool = False) -> None:
    if any(unicodedata.category(ch).startswith("C") for ch in value):
        raise ValidationError(_("Use letters, numbers and spaces only."), code="control")
    value = normalized(value)
    if len(value) > MAX_LENGTH:  # NFKC can lengthen a name: "ﷺ" is 18 characters
        raise ValidationError(
            _("Use at most %(count)d characters.") % {"count": MAX_LENGTH}, code="too_long"
        )
    if sum(_visible(ch) for ch in value) < 2 or len(value.strip()) < 2:
        raise ValidationError(_("Use at least 2 letters or numbers."), code="too_short")
    if _mixes_scripts(value):
        raise ValidationError(
            _("Write each word of your name in one alphabet."), code="mixed_scripts"
        )
    if not allow_reserved and _looks_like_staff(value):
        raise ValidationError(
            _("This name is reserved for the shop's team. Please choose another."),
            code="reserved",
        )


def validate_not_a_team_name(value: str, team_names: list[str]) -> None:
    """Refuse a name that reads as a team member's (compared by ``name_skeleton``, spacing
    ignored: "DenizKaya" and "D e n i z Kaya" are "Deniz Kaya")."""
    skeleton = name_skeleton(value).replace(" ", "")
    if any(skeleton == name_skeleton(name).replace(" ", "") for name in team_names):
        raise ValidationError(
            _("A member of the shop's team has this name. Please choose another."),
            code="team_name",
        )
