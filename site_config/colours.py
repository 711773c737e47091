"""Colour arithmetic for the brand: WCAG 2 contrast, and the darker shade used on hover."""

import re

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
# Text on the brand colour is white; the brand colour is also the colour of links on the
# page's two backgrounds (white, and the header's and footer's light grey).
WHITE = "#ffffff"
PAPER_SOFT = "#f4f6f8"
AA_TEXT = 4.5


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio of two ``#rrggbb`` colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def weakest_contrast(colour: str) -> float:
    """The lowest contrast the brand colour has where the site uses it: white text on it,
    and as link text on either page background."""
    return min(contrast(colour, WHITE), contrast(colour, PAPER_SOFT))


def darker(colour: str, amount: float = 0.2) -> str:
    """The same hue ``amount`` darker (hover and pressed states)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c * (1 - amount)):02x}" for c in (r, g, b))
