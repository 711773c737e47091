import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Names that would let a member pass for the shop's staff, in the three site languages.
RESERVED_NAMES = frozenset(
    {
        "admin", "administrator", "moderator", "support", "staff", "helpcenter", "help center",
        "yönetici", "moderatör", "destek", "personel",
        "moderation", "kundenservice", "kundendienst", "mitarbeiter",
    }
)  # fmt: skip


def name_skeleton(name: str) -> str:
    """A comparison key that ignores case in every language, Turkish dotted and dotless i
    included (``ADMİN``, ``admın`` and ``Admin`` all meet), and accents."""
    folded = name.replace("İ", "i").replace("I", "i").replace("ı", "i").casefold()
    decomposed = unicodedata.normalize("NFKD", folded)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


_RESERVED_SKELETONS = frozenset(name_skeleton(n) for n in RESERVED_NAMES)


def _looks_like_staff(value: str) -> bool:
    skeleton = name_skeleton(value)
    words = set(skeleton.replace("-", " ").replace("_", " ").replace(".", " ").split())
    return bool(words & _RESERVED_SKELETONS) or any(
        " " in reserved and reserved in skeleton for reserved in _RESERVED_SKELETONS
    )


def validate_display_name(value: str, *, allow_reserved: bool = False) -> None:
    if any(unicodedata.category(ch).startswith("C") for ch in value):
        raise ValidationError(_("Use letters, numbers and spaces only."), code="control")
    if len(value.strip()) < 2:
        raise ValidationError(_("Use at least 2 characters."), code="too_short")
    if not allow_reserved and _looks_like_staff(value):
        raise ValidationError(
            _("This name is reserved for the shop's team. Please choose another."),
            code="reserved",
        )
