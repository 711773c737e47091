"""Uploaded files on S3-compatible object storage (``S3_BUCKET``; README "Object storage").

Two buckets, so that what is public is a property of a bucket, not of each file:

* public media (``S3_BUCKET``): Wagtail images and their renditions, at stable unsigned
  addresses that pages (and the page cache) can carry;
* private files (``S3_PRIVATE_BUCKET``, never readable anonymously): support attachments
  (Django's ``private`` storage) and Wagtail documents, self-hosted guide videos among them.
  The app hands them out after its own permission checks: attachments through its view,
  documents and videos by a redirect to a link signed for a short time.

Wagtail keeps images and documents in Django's default storage, so the default storage is
:class:`MediaStorage`, which sends the known public kinds of file to the public bucket by
their folder and everything else (``documents/``, anything new) to the private one. A file
of a kind not listed is private until someone decides otherwise.
"""

import sys

from django.core.files.storage import Storage, storages
from django.utils.deconstruct import deconstructible

# boto3 (under django-storages' S3 backend) costs a few tenths of a second to import: it is
# imported where object storage is configured, not by every process that serves a video.

# Wagtail's upload folders of images ("original_images/") and renditions ("images/").
PUBLIC_FOLDERS = ("original_images/", "images/")


@deconstructible
class MediaStorage(Storage):
    """Django's default storage on object storage: images public, everything else private.

    ``public`` holds the options of the public bucket's ``S3Storage``; ``private`` names the
    storage (an alias of ``STORAGES``) that keeps the rest."""

    def __init__(self, public: dict, private: str = "private"):
        from storages.backends.s3 import S3Storage

        self.public = S3Storage(**public)
        self._private = private

    @property
    def private(self) -> Storage:
        return storages[self._private]

    def _storage(self, name: str) -> Storage:
        return self.public if str(name).startswith(PUBLIC_FOLDERS) else self.private

    # Every operation of Django's Storage API goes to the bucket the name belongs to.
    def save(self, name, content, max_length=None):
        if name is None:
            name = content.name
        return self._storage(name).save(name, content, max_length=max_length)

    def get_available_name(self, name, max_length=None):
        return self._storage(name).get_available_name(name, max_length=max_length)

    def _open(self, name, mode="rb"):
        return self._storage(name).open(name, mode)

    def delete(self, name):
        self._storage(name).delete(name)

    def exists(self, name):
        return self._storage(name).exists(name)

    def listdir(self, path):
        return self._storage(path.rstrip("/") + "/").listdir(path)

    def size(self, name):
        return self._storage(name).size(name)

    def url(self, name, **parameters):
        return self._storage(name).url(name, **parameters)

    def get_accessed_time(self, name):
        return self._storage(name).get_accessed_time(name)

    def get_created_time(self, name):
        return self._storage(name).get_created_time(name)

    def get_modified_time(self, name):
        return self._storage(name).get_modified_time(name)


def signed_url(file, *, seconds: int) -> str:
    """An address at which the object storage itself hands out ``file`` for ``seconds``
    (signed when the file is private); "" when the file is on the app's own disk, where
    only the app serves it."""
    storage = file.storage
    # No S3Storage can exist unless its module was imported (by the storage's configuration).
    s3 = sys.modules.get("storages.backends.s3")
    if isinstance(storage, MediaStorage) or (s3 and isinstance(storage, s3.S3Storage)):
        return storage.url(file.name, expire=seconds)
    return ""
