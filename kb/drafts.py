"""Drafts nobody published: they neither block a new page nor hide.

Wagtail saves a page being created as a draft as soon as its editor types (autosave), and
wagtail-localize copies it into every language at once. An editor who gives up and starts
again finds the address taken ("The slug … is already in use") by a page they cannot see
in any list. Here:

* a new page takes its address from a sibling that is an *abandoned draft*: never
  published, not in review, and either the same editor's or untouched for
  ``ABANDONED_AFTER``. The draft (and its copies in the other languages) moves to
  ``<slug>-draft-<id>``, which the editor is told, with the way to it;
* Reports → *Drafts never published* lists them, oldest first, to open or delete (Wagtail's
  delete takes the copies in the other languages with it).

Another editor's recent draft is not moved: that is someone's work in progress, and Wagtail's
own message about the address stands.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail.coreutils import find_available_slug
from wagtail.models import Page, WorkflowState

from kb.selectors import translation_in_progress

ABANDONED_AFTER = timedelta(days=1)


def never_published():
    """Pages written here and never published: not copies of another language's page, not
    translations wagtail-localize is still making, not in review."""
    in_review = (
        WorkflowState.objects.active()
        .filter(base_content_type=ContentType.objects.get_for_model(Page))
        .annotate(page_id=Cast("object_id", IntegerField()))
        .values("page_id")
    )
    return (
        Page.objects.filter(depth__gt=2, first_published_at__isnull=True, alias_of__isnull=True)
        .exclude(translation_in_progress())
        .exclude(pk__in=in_review)
    )


def abandoned_at(parent: Page, slug: str, user) -> list[Page]:
    """Siblings under ``parent`` at ``slug`` that a new page may take it from."""
    stale = timezone.now() - ABANDONED_AFTER
    return list(
        never_published()
        .child_of(parent)
        .filter(slug=slug)
        .filter(Q(owner=user) | Q(latest_revision_created_at__lt=stale))
    )


def move_aside(draft: Page, user) -> str:
    """Give ``draft`` (and its copies in other languages) the address ``<slug>-draft-<id>``,
    in the page and in its latest revision (which the editor opens); returns the new slug."""
    draft = draft.specific
    slug = find_available_slug(draft.get_parent(), f"{draft.slug}-draft-{draft.pk}")
    latest = draft.get_latest_revision_as_object()
    latest.slug = slug
    latest.save(clean=False)
    latest.save_revision(user=user, changed=False, clean=False, log_action=True)
    for copy in Page.objects.filter(alias_of=draft):
        copy.slug = find_available_slug(copy.get_parent(), slug, ignore_page_id=copy.pk)
        copy.save(clean=False)
    return slug
