"""Validate demo content files: ``python kb/demo_content/check.py kb/demo_content/*.json``."""

import json
import re
import sys
from pathlib import Path

LANGUAGES = ("en", "tr", "de")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _texts(value, where, errors):
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        errors.append(f"{where}: must be a non-empty list of non-empty strings")


def _text(value, where, errors):
    if not isinstance(value, str) or not value.strip():
        errors.append(f"{where}: must be a non-empty string")


def _page_head(data, where, errors, fields=("slug", "title", "description")):
    for lang in LANGUAGES:
        part = data.get(lang)
        if not isinstance(part, dict):
            errors.append(f"{where}.{lang}: missing")
            continue
        for field in fields:
            _text(part.get(field), f"{where}.{lang}.{field}", errors)
        if "slug" in fields and not SLUG.match(part.get("slug") or ""):
            errors.append(f"{where}.{lang}.slug: lowercase ascii words with hyphens")


def check(data: dict) -> list[str]:
    errors: list[str] = []
    _text(data.get("key"), "key", errors)
    if not isinstance(data.get("order"), int):
        errors.append("order: must be a whole number")
    _page_head(data, "topic", errors, ("slug", "title", "intro", "description"))
    for i, article in enumerate(data.get("articles", [])):
        where = f"articles[{i}]({article.get('key')})"
        kind = article.get("type")
        for lang in LANGUAGES:
            tags = article.get("tags", {}).get(lang)
            if not isinstance(tags, list):
                errors.append(f"{where}.tags.{lang}: list of words")
        if kind == "faq":
            _page_head(article, where, errors, ("slug", "title", "intro", "description"))
            keys = None
            for lang in LANGUAGES:
                items = article.get(lang, {}).get("items", [])
                if len(items) < 4:
                    errors.append(f"{where}.{lang}.items: at least 4 questions")
                these = [item.get("key") for item in items]
                keys = these if keys is None else keys
                if these != keys:
                    errors.append(f"{where}.{lang}.items: keys differ from en ({these} != {keys})")
                for j, item in enumerate(items):
                    _text(item.get("question"), f"{where}.{lang}.items[{j}].question", errors)
                    _texts(item.get("answer"), f"{where}.{lang}.items[{j}].answer", errors)
        elif kind == "howto":
            _page_head(article, where, errors, ("slug", "title", "intro", "description"))
            for field in ("duration_minutes", "video_seconds"):
                if not isinstance(article.get(field), int):
                    errors.append(f"{where}.{field}: whole number")
            for lang in LANGUAGES:
                part = article.get(lang, {})
                _texts(part.get("you_need"), f"{where}.{lang}.you_need", errors)
                _texts(part.get("transcript"), f"{where}.{lang}.transcript", errors)
                steps = part.get("steps") or []
                if len(steps) < 3:
                    errors.append(f"{where}.{lang}.steps: at least 3")
                for j, step in enumerate(steps):
                    _text(step.get("title"), f"{where}.{lang}.steps[{j}].title", errors)
                    _text(step.get("text"), f"{where}.{lang}.steps[{j}].text", errors)
                for j, chapter in enumerate(part.get("chapters") or []):
                    if not isinstance(chapter.get("seconds"), int):
                        errors.append(f"{where}.{lang}.chapters[{j}].seconds: whole number")
                    _text(chapter.get("title"), f"{where}.{lang}.chapters[{j}].title", errors)
        elif kind == "policy":
            _page_head(article, where, errors)
            versions = article.get("versions") or []
            if len(versions) < 2:
                errors.append(f"{where}.versions: at least 2")
            for v, version in enumerate(versions):
                if not re.match(r"^\d{4}-\d{2}-\d{2}$", version.get("effective_date", "")):
                    errors.append(f"{where}.versions[{v}].effective_date: YYYY-MM-DD")
                for lang in LANGUAGES:
                    part = version.get(lang, {})
                    _text(part.get("change_note"), f"{where}.v{v}.{lang}.change_note", errors)
                    _texts(part.get("summary"), f"{where}.v{v}.{lang}.summary", errors)
                    sections = part.get("sections") or []
                    if len(sections) < 3:
                        errors.append(f"{where}.v{v}.{lang}.sections: at least 3")
                    for s, section in enumerate(sections):
                        _text(section.get("heading"), f"{where}.v{v}.{lang}.s{s}.heading", errors)
                        _texts(section.get("paragraphs"), f"{where}.v{v}.{lang}.s{s}", errors)
        else:
            errors.append(f"{where}.type: faq, howto or policy")
    return errors


def main(paths: list[str]) -> int:
    failed = False
    for path in paths:
        errors = check(json.loads(Path(path).read_text(encoding="utf-8")))
        for error in errors:
            print(f"{path}: {error}")
        failed = failed or bool(errors)
        if not errors:
            print(f"{path}: ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
