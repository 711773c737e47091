"""Text that can be stored, shown and written to XML: control characters out.

A browser never sends a control character a person typed (other than tab and line
breaks); one that arrives was put there to break something downstream: an XML feed
(``UnserializableContentError`` for everyone), a log line, a CSV report. They are removed
from every form field at input (``CleanInputMiddleware``) and, for text stored before or
by other paths, from every XML output (``xml_safe``)."""

import re

# C0 and C1 controls but tab, line feed and carriage return; DEL; UTF-16 surrogates (not
# text on their own); U+FFFE and U+FFFF (not characters). None may appear in XML 1.0.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def without_control_characters(text: str) -> str:
    return _UNSAFE.sub("", text)


def xml_safe(text):
    """``text`` with what XML cannot hold removed (anything else is returned as given)."""
    return without_control_characters(text) if isinstance(text, str) else text
