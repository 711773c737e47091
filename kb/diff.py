"""Sentence-level differences between two versions of a policy, section by section."""

import re
from difflib import SequenceMatcher

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(" ".join(text.split())) if s]


def _diff(old: list[str], new: list[str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            out += [("same", s) for s in old[a1:a2]]
        else:
            out += [("removed", s) for s in old[a1:a2]]
            out += [("added", s) for s in new[b1:b2]]
    return out


def compare_sections(old: list[dict], new: list[dict]) -> list[dict]:
    """[{"heading", "status": same|changed|added|removed, "sentences": [(op, text)]}]."""
    result = []
    old_heads = [s["heading"] for s in old]
    new_heads = [s["heading"] for s in new]
    for op, a1, a2, b1, b2 in SequenceMatcher(a=old_heads, b=new_heads).get_opcodes():
        if op == "equal":
            for o, n in zip(old[a1:a2], new[b1:b2], strict=True):
                changes = _diff(sentences(o["text"]), sentences(n["text"]))
                status = "same" if all(c[0] == "same" for c in changes) else "changed"
                result.append({"heading": n["heading"], "status": status, "sentences": changes})
            continue
        for o in old[a1:a2]:
            result.append(
                {
                    "heading": o["heading"],
                    "status": "removed",
                    "sentences": [("removed", s) for s in sentences(o["text"])],
                }
            )
        for n in new[b1:b2]:
            result.append(
                {
                    "heading": n["heading"],
                    "status": "added",
                    "sentences": [("added", s) for s in sentences(n["text"])],
                }
            )
    return result
