"""What a customer wrote in an e-mail reply, without the history their mail program quoted
under it or the signature: for display. The message as it arrived is kept beside it
(``Message.original``), so trimming too much never loses anything.

Mail programs mark the quoted part in their own, localised ways; these are the ones seen
from customers writing in English, German and Turkish (Gmail, Apple Mail, Outlook,
Thunderbird, phones)."""

import re

# The line our own e-mails put above the team's answer ("##- Please type your reply above
# this line -##", in the customer's language): everything from it on is history.
_MARKER = re.compile(r"^\W*##-", re.M)

# "On Mon, 7 Dec 2026 at 09:30, Help Center <help@example.com> wrote:" and its kin. A
# header may be wrapped over two lines by the mail program, so both are tried.
_ATTRIBUTION = re.compile(
    r"""^(
        (On|Le)\s.{4,200}\s(wrote|a\sécrit)\s?:                    # en (Gmail, Apple), fr
      | Am\s.{4,200}\sschrieb\s.{0,200}:                          # de (Gmail, Apple, Thunderbird)
      | .{4,200}\s(tarihinde|zamanında)\s.{0,200}(yazdı|şunu\syazdı)\s?:   # tr (Gmail, Apple)
      | .{0,200}<[^<>\s]{1,128}@[^<>\s]{1,128}>\s(wrote|schrieb|yazdı)\s?:  # "Name <a@b> wrote:"
    )\s*$""",
    re.X | re.I,
)
# Outlook quotes with a separator, or a block of headers in the customer's language.
_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(Original\s+Message|Ursprüngliche\s+Nachricht|Özgün\s+İleti|Orijinal\s+Mesaj|"
    r"Forwarded\s+message|Weitergeleitete\s+Nachricht|İletilen\s+ileti)\s*-{2,}\s*$",
    re.I,
)
_HEADER_BLOCK = re.compile(r"^\s*\**(From|Von|Kimden|De)\s*:\**\s", re.I)
_HEADER_NEXT = re.compile(
    r"^\s*\**(Sent|Date|Gesendet|Datum|Gönderildi|Tarih|To|An|Kime|Subject|Betreff|Konu)\s*:",
    re.I,
)
# Signatures: the "-- " convention, and what phones add on their own.
_SIGNATURE = re.compile(r"^--\s?$")
_PHONE = re.compile(
    r"^\s*(Sent\sfrom\smy\s|Get\sOutlook\sfor\s|Von\smeinem\s.{0,40}\sgesendet|"
    r"Gesendet\svon\s(meinem|Outlook)|.{0,30}(iPhone|iPad|Android)'?(u|ı|i)?m(dan|den)\sgönderildi|"
    r"(iPhone|Android|Outlook)\s.{0,20}gönderildi)",
    re.I | re.X,
)


# The longest line looked at as a possible mark ("On …, Name <address> wrote:" included):
# every pattern's work is bounded by it, whatever a message holds.
LONGEST_MARK = 300


def trim(text: str) -> str:
    """The new part of a reply. Falls back to the whole text when trimming would leave
    nothing (a customer who wrote only between quoted lines)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = len(lines)
    for index, line in enumerate(lines):
        if len(line) > LONGEST_MARK:
            continue  # no mail program's mark is this long: text, and never a slow match
        following = lines[index + 1] if index + 1 < len(lines) else ""
        two = f"{line} {following}" if len(following) <= LONGEST_MARK else line
        if (
            _MARKER.match(line)
            or _SEPARATOR.match(line)
            or _ATTRIBUTION.match(line.strip())
            or _ATTRIBUTION.match(two.strip())
            or (_HEADER_BLOCK.match(line) and _next_is_header(lines, index))
            or _SIGNATURE.match(line)
            or _PHONE.match(line)
        ):
            cut = index
            break
    kept = lines[:cut]
    # Quoted lines (">") at the end, and a trailing attribution the patterns missed.
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    result = "\n".join(kept).strip()
    return result or text.strip()


def _next_is_header(lines: list[str], index: int) -> bool:
    following = [line for line in lines[index + 1 : index + 4] if line.strip()]
    return any(_HEADER_NEXT.match(line) for line in following)


def html_to_text(html: str) -> str:
    """An HTML-only e-mail as text, without the parts mail programs mark as quoted history
    (Gmail's ``gmail_quote``, Apple's and Thunderbird's ``blockquote type=cite``, Outlook's
    ``divRplyFwdMsg``)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html[:2_000_000], "html.parser")
    for tag in soup(["script", "style", "head", "title"]):
        tag.decompose()
    # Outlook's quoted history is everything from its marker on.
    outlook = soup.select_one("div#appendonsend, div#divRplyFwdMsg")
    if outlook is not None:
        node = outlook
        while node is not None and node.name not in ("body", "[document]"):
            for later in list(node.next_siblings):
                later.extract()
            node = node.parent
        outlook.extract()
    for quoted in soup.select(
        "div.gmail_quote, blockquote[type=cite], div.moz-cite-prefix, div.yahoo_quoted"
    ):
        quoted.extract()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(["p", "div", "li", "tr", "h1", "h2", "h3", "h4"]):
        block.insert_after("\n")
    text = soup.get_text()
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
