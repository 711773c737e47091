"""External video addresses: which provider, which video, and privacy-friendly player URLs.

Nothing here fetches anything: the page shows our own poster, and the provider's player is
only loaded when the reader asks for it.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtu.be"}
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")


_PROVIDER_NAMES = {"youtube": "YouTube", "vimeo": "Vimeo"}


@dataclass(frozen=True)
class ExternalVideo:
    provider: str
    video_id: str

    @property
    def provider_name(self) -> str:
        return _PROVIDER_NAMES[self.provider]

    def player_url(self, start: int = 0) -> str:
        """The embeddable player, starting playback at ``start`` seconds."""
        if self.provider == "youtube":
            return (
                f"https://www.youtube-nocookie.com/embed/{self.video_id}"
                f"?autoplay=1&rel=0&start={start}"
            )
        return f"https://player.vimeo.com/video/{self.video_id}?autoplay=1&dnt=1#t={start}s"

    def watch_url(self, start: int = 0) -> str:
        """The provider's own page, for readers without JavaScript."""
        if self.provider == "youtube":
            return f"https://www.youtube.com/watch?v={self.video_id}&t={start}s"
        return f"https://vimeo.com/{self.video_id}#t={start}s"


def parse(url: str) -> ExternalVideo | None:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"}:
        return None
    host = (parts.hostname or "").lower()
    if host in _YOUTUBE_HOSTS:
        if host.endswith("youtu.be"):
            candidate = parts.path.strip("/")
        elif parts.path.startswith(("/embed/", "/shorts/", "/live/")):
            candidate = parts.path.split("/")[2]
        else:
            candidate = parse_qs(parts.query).get("v", [""])[0]
        return ExternalVideo("youtube", candidate) if _YOUTUBE_ID.match(candidate) else None
    if host in _VIMEO_HOSTS:
        digits = [p for p in parts.path.split("/") if p.isdigit()]
        return ExternalVideo("vimeo", digits[0]) if digits else None
    return None
