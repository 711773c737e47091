"""Forum views: parse the request, ask ``forum.permissions``, call one service or selector,
render. Split by who uses them: readers, members posting, the shop's team."""

from forum.views.account import profile_edit

__all__ = ["profile_edit"]
