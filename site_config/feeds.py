"""Feeds that cannot fail on stored text: Django's feed writer refuses a control character
(``UnserializableContentError``), and one title with it would break the feed for everyone."""

from django.utils.feedgenerator import Atom1Feed

from site_config.text import xml_safe


class XmlSafeAtom1Feed(Atom1Feed):
    def __init__(self, *args, **kwargs):
        super().__init__(*map(xml_safe, args), **{k: xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(xml_safe, args), **{k: xml_safe(v) for k, v in kwargs.items()})
