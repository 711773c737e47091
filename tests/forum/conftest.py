import pytest


@pytest.fixture(autouse=True)
def _members_are_established_by_age(settings):
    """In forum tests a member is "new" only by account age (``NewMemberFactory`` joined
    today), so a test of answering does not first have to post twice to be trusted. Tests
    of the post-count rule set ``FORUM_NEW_MEMBER_POSTS`` themselves."""
    settings.FORUM_NEW_MEMBER_POSTS = 0
