"""Policies: every published version stays readable in a public change history, readers
can see what changed between two versions, and a policy can be scheduled to take effect."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from kb.models import PolicyPage, PolicyVersion
from tests.factories import policy_sections


def _publish_new_version(policy, *, sections, note):
    policy.body = policy_sections(*sections)
    policy.change_note = note
    policy.save_revision().publish()
    return PolicyPage.objects.get(pk=policy.pk)


@pytest.fixture
def policy(kb_tree):
    return _publish_new_version(
        kb_tree["en"]["policy"],
        sections=[
            ("Return window", "You can return items within 30 days. Items must be unused."),
            ("Refunds", "We refund to the original payment method."),
            ("Return labels", "The return label is free."),
        ],
        note="Return window extended to 30 days; labels are free.",
    )


def test_each_published_version_is_kept_with_its_note(client, policy):
    versions = PolicyVersion.objects.filter(page=policy).order_by("number")
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].change_note == "Return window extended to 30 days; labels are free."
    html = client.get(f"{policy.url}history/").content.decode()
    assert "Version 2" in html and "Version 1" in html
    assert "Return window extended to 30 days" in html


def test_republishing_the_same_text_is_not_a_new_version(policy):
    policy.save_revision().publish()
    assert PolicyVersion.objects.filter(page=policy).count() == 2


def test_compare_shows_added_and_removed_sentences(client, policy):
    response = client.get(f"{policy.url}history/compare/?from=1&to=2")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<del>You can return items within 14 days.</del>" in html
    assert "<ins>You can return items within 30 days.</ins>" in html
    assert "<ins>The return label is free.</ins>" in html  # a whole new section
    assert "new section" in html
    assert "<del>Items must be unused.</del>" not in html  # unchanged sentence stays plain


@pytest.mark.parametrize("query", ["?from=9&to=1", "?from=x&to=2", "?from=2&to=2", ""])
def test_odd_compare_requests_never_fail(client, policy, query):
    response = client.get(f"{policy.url}history/compare/{query}", follow=True)
    assert response.status_code == 200


def test_scheduled_policy_goes_live_on_its_date(client, policy):
    policy.body = policy_sections(("Return window", "You can return items within 60 days."))
    policy.change_note = "60 days from next month."
    revision = policy.save_revision(approved_go_live_at=timezone.now() + timedelta(hours=1))
    assert "60 days" not in client.get(policy.url).content.decode()

    revision.approved_go_live_at = timezone.now() - timedelta(minutes=1)
    revision.save()
    call_command("publish_scheduled")

    assert "within 60 days" in client.get(policy.url).content.decode()
    assert PolicyVersion.objects.filter(page=policy).count() == 3


def test_policy_diff_splits_sentences_in_every_language():
    from kb.diff import compare_sections, sentences

    assert sentences("İade 30 gündür. Etiket ücretsizdir!  Sorular?") == [
        "İade 30 gündür.",
        "Etiket ücretsizdir!",
        "Sorular?",
    ]
    changes = compare_sections(
        [{"heading": "Frist", "text": "Du hast 14 Tage Zeit. Die Ware muss unbenutzt sein."}],
        [{"heading": "Frist", "text": "Du hast 30 Tage Zeit. Die Ware muss unbenutzt sein."}],
    )
    assert changes[0]["sentences"] == [
        ("removed", "Du hast 14 Tage Zeit."),
        ("added", "Du hast 30 Tage Zeit."),
        ("same", "Die Ware muss unbenutzt sein."),
    ]


def test_paragraphs_never_run_together_in_the_history(kb_tree):
    from wagtail.rich_text import RichText

    policy = kb_tree["de"]["policy"]
    policy.body = [
        ("section", {"heading": "Frist", "body": RichText("<p>Erster Satz.</p><p>Zweiter.</p>")})
    ]
    policy.change_note = "Zwei Absätze."
    policy.save_revision().publish()
    latest = PolicyVersion.objects.filter(page=policy).order_by("-number").first()
    assert latest.sections == [{"heading": "Frist", "text": "Erster Satz. Zweiter."}]


def test_compare_reads_exactly_as_the_policy_does(client, policy):
    """Rich text keeps apostrophes, ampersands and angle brackets as character references;
    the comparison shows the characters (escaped once by the template), never the
    references themselves ("don&#x27;t", "2026&#x27;dan")."""
    import html as html_module

    _publish_new_version(
        policy,
        sections=[
            ("Return window", "You don&#x27;t pay for returns from 2026&#x27;dan on."),
            ("Refunds", "Refunds &amp; credits go back to the card &lt;b&gt; used."),
            ("Return labels", "The return label is free."),
        ],
        note="Plain words.",
    )
    page = client.get(f"{policy.url}history/compare/?from=2&to=3").content.decode()
    shown = html_module.unescape(page)
    assert "You don't pay for returns from 2026'dan on." in shown
    assert "Refunds & credits go back to the card <b> used." in shown
    assert "&#x27;" not in shown and "&amp;" not in shown
    version = PolicyVersion.objects.get(page=policy, number=3)
    assert version.sections[0]["text"] == "You don't pay for returns from 2026'dan on."


def test_versions_kept_before_as_references_are_read_as_text(policy):
    """Migration kb 0003: versions recorded with character references are made plain."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("kb.migrations.0003_policy_versions_as_plain_text")
    version = PolicyVersion.objects.get(page=policy, number=2)
    version.sections = [{"heading": "Return window", "text": "We don&#x27;t charge &amp; ship."}]
    version.save()
    migration.unescape_sections(apps, None)
    version.refresh_from_db()
    assert version.sections == [{"heading": "Return window", "text": "We don't charge & ship."}]
