import pytest


@pytest.fixture(autouse=True)
def _attachments_in_a_folder_of_their_own(private_media):
    """Every support test keeps its attachments out of the project's folders."""
    return private_media
