"""Reads for support that the modules below the services need too (the e-mails, privacy,
the due-time warnings): they import this, never ``support.services``, which queues them."""

from wagtail.models import Site

from support.models import SupportHours


def hours_for(site: Site | None) -> SupportHours:
    """The team's hours for a site; the defaults until staff set them. Unlike Wagtail's
    ``SupportHours.for_site`` it never saves: reading the hours stays a read."""
    found = SupportHours.objects.filter(site=site).first() if site else None
    return found or SupportHours(site=site)
