"""The translation path through wagtail-localize, made one an editor cannot fall off.

wagtail-localize's translation editor, as it comes, has three traps for a help center's
editors (seen translating a two-question FAQ into Turkish):

* **No way to hand the work on.** Its only "save" is *Publish in <language>*, shown to
  those who may publish; everyone else is left with the last secondary action as the main
  button — *Convert to alias page*, which throws the translation away. Here the main button
  is *Submit for moderation in <language>* for them (or *Save draft* where no workflow
  covers the page): the translation is saved as a draft revision and goes through the
  page's Wagtail workflow, as an English page does. A moderator then approves it from
  "Awaiting your review" (which publishes it) or publishes it in the editor, which ends the
  workflow as Wagtail's own editor does when a publisher publishes. *Convert to alias
  page* is left to publishers.
* **Slugs to translate by hand.** The page's slug is offered as one more string; left
  alone, the page publishes "with missing translations" under the English address. Here
  it follows the translated title (``slug_for``: Turkish and German letters written the
  way those readers type them) until the translator writes one, or the translation has
  been published once (its address is then out in the world and stays).
* **Technical fields offered as text.** A question's link anchor is an id shared links
  point at (``kb.blocks.AnchorBlock`` keeps it out of translation).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail.models import Page

from site_config.slugs import ascii_slug

# Marks a slug this module wrote, so one the translator typed is never overwritten.
SLUG_TOOL = "helpcenter: slug from the translated title"
SLUG_MAX_LENGTH = 80

# How German readers write umlauts without them (``Rücksendung`` → ``ruecksendung``);
# anyascii would drop the e (``rucksendung``). Turkish needs no table: anyascii already
# writes ı, İ, ş, ğ, ç, ö, ü as i, I, s, g, c, o, u, as Turkish readers type them.
_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ẞ": "SS"}
)


def slug_for(title: str, language_code: str) -> str:
    """The address part for a page titled ``title`` in ``language_code``: ASCII, lower case,
    at most ``SLUG_MAX_LENGTH`` characters cut at a word."""
    if language_code.split("-")[0] == "de":
        title = title.translate(_GERMAN)
    slug = ascii_slug(title, default="page", max_length=None)
    if len(slug) > SLUG_MAX_LENGTH:
        slug = slug[: SLUG_MAX_LENGTH + 1].rsplit("-", 1)[0].strip("-") or "page"
    return slug


def slug_follows_title(title_translation) -> None:
    """Called when a page title's translation is saved: write the slug's translation from
    it, unless the translator wrote the slug or the translation was published once."""
    from wagtail_localize.models import StringSegment, StringTranslation

    title_segment = (
        StringSegment.objects.filter(
            context_id=title_translation.context_id, string_id=title_translation.translation_of_id
        )
        .select_related("source")
        .first()
    )
    if title_segment is None:
        return
    # None when the source's model is gone (an app removed, a stale content type).
    model = title_segment.source.specific_content_type.model_class()
    if model is None or not issubclass(model, Page):
        return
    slug_segment = (
        StringSegment.objects.filter(source=title_segment.source, context__path="slug")
        .select_related("context")
        .first()
    )
    if slug_segment is None:
        return
    locale = title_translation.locale
    existing = StringTranslation.objects.filter(
        translation_of_id=slug_segment.string_id, locale=locale, context=slug_segment.context
    ).first()
    if existing is not None and existing.tool_name != SLUG_TOOL:
        return
    if _published_as_translation(slug_segment.context.object_id, locale):
        return
    StringTranslation.objects.update_or_create(
        translation_of_id=slug_segment.string_id,
        locale=locale,
        context=slug_segment.context,
        defaults={
            "data": slug_for(title_translation.data, locale.language_code),
            "translation_type": StringTranslation.TRANSLATION_TYPE_MACHINE,
            "tool_name": SLUG_TOOL,
            "last_translated_by": title_translation.last_translated_by,
            "has_error": False,
            "field_error": "",
        },
    )


def _published_as_translation(translation_key, locale) -> bool:
    from kb.models import TranslationRecord

    return TranslationRecord.objects.filter(
        page__translation_key=translation_key, page__locale=locale
    ).exists()


# The translation editor's actions ----------------------------------------------------------


def synced_translation(page):
    """The wagtail-localize translation that ``page`` is the target of, if its editor is
    the one the page's edit URL shows."""
    from wagtail_localize.models import Translation

    return Translation.objects.filter(
        source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
    ).first()


def main_action_prefix(page, user) -> str:
    """What the translation editor's main button says before the language's name (the
    editor writes ``gettext("Publish in ") + language``): publish, submit for moderation, or
    save a draft where no workflow covers the page. Each phrase is translated with the
    language last."""
    if page.permissions_for_user(user).can_publish():
        phrase = _("Publish in %(language)s")
    elif page.get_workflow() is None:
        phrase = _("Save draft in %(language)s")
    else:
        phrase = _("Submit for moderation in %(language)s")
    return phrase.partition("%(language)s")[0]


def editor_props(props: dict, page, user) -> dict:
    """wagtail-localize's editor settings, with the main action every editor needs: the
    button that sends ``action=publish`` is shown to all who may edit (``handle_post``
    decides what it does for those who may not publish), and *Convert to alias page* is
    offered to publishers only."""
    if page.permissions_for_user(user).can_publish():
        return props
    props["perms"]["canPublish"] = True
    props["links"]["convertToAliasUrl"] = None
    return props


def handle_post(request, page):
    """The translation editor's main button (``action=publish``). Those who may publish get
    wagtail-localize's publish, after which a workflow still in progress on the page is
    ended (Wagtail's editor does the same when a publisher publishes). Everyone else saves
    the translation as a draft and submits it to the page's workflow. Returns None when the
    request is not for this (wagtail-localize handles it)."""
    from wagtail_localize.views.edit_translation import edit_translation

    if request.method != "POST" or request.POST.get("action") != "publish":
        return None
    translation = synced_translation(page)
    if translation is None:
        return None
    if page.permissions_for_user(request.user).can_publish():
        response = edit_translation(request, translation, page)
        page.refresh_from_db()
        state = page.current_workflow_state
        if state is not None and page.live and not page.has_unpublished_changes:
            state.cancel(user=request.user)
        return response
    return _submit(request, translation, page)


def _submit(request, translation, page):
    lock = page.get_lock()
    if lock is not None and lock.for_user(request.user):
        raise PermissionDenied
    language = translation.target_locale.get_display_name()
    try:
        translation.save_target(user=request.user, publish=False)
    except ValidationError:
        messages.error(
            request,
            _("'%(title)s' in %(language)s could not be saved: check the fields marked below.")
            % {"title": page.get_admin_display_title(), "language": language},
        )
        return redirect(request.path)
    page = Page.objects.get(pk=page.pk).specific
    workflow = page.get_workflow()
    if workflow is None:
        messages.success(
            request,
            _("Saved a draft of '%(title)s' in %(language)s.")
            % {"title": page.get_admin_display_title(), "language": language},
        )
        return redirect(request.path)
    state = page.current_workflow_state
    if state is None:
        workflow.start(page, request.user)
    elif state.status == state.STATUS_NEEDS_CHANGES:
        state.resume(request.user)
    messages.success(
        request,
        _("Submitted '%(title)s' in %(language)s for moderation.")
        % {"title": page.get_admin_display_title(), "language": language},
    )
    return redirect(request.path)
