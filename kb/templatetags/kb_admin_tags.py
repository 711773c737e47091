"""Template tags of the knowledge base's admin screens."""

import json

from django import template

from kb import translating

register = template.Library()


@register.simple_tag(takes_context=True)
def translation_editor_props(context, props: str, page) -> str:
    """wagtail-localize's editor settings (JSON) for the user looking at them
    (``kb.translating.editor_props``)."""
    if not hasattr(page, "permissions_for_user"):
        return props  # a snippet's translation: wagtail-localize's own actions
    adjusted = translating.editor_props(json.loads(props), page, context["request"].user)
    return json.dumps(adjusted)


@register.simple_tag(takes_context=True)
def translation_main_action_prefix(context, page) -> str:
    if not hasattr(page, "permissions_for_user"):
        return ""
    return translating.main_action_prefix(page, context["request"].user)
