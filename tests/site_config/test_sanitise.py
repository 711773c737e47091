"""The site's HTML allow-lists (site_config.sanitise): what each output keeps of text the
site did not write. Forum posts are tested through their renderer (tests/forum/test_markup.py)
and every page through the XSS corpus (tests/security/)."""

from site_config import sanitise


def test_a_subset_of_a_post_never_keeps_what_a_post_may_not_hold():
    # Asked for more than a post holds: a script, an event handler, a rel of the member's.
    cut = sanitise.post_html_subset(
        tags=frozenset({"p", "a", "script"}),
        attributes={"p": frozenset({"onclick"}), "a": frozenset({"href", "rel"})},
    )

    html = cut(
        '<p onclick="x()">Hi <a href="https://example.com/a" rel="opener">a</a></p>'
        "<script>alert(1)</script><h3>Title</h3>"
    )

    assert html.startswith('<p>Hi <a href="https://example.com/a">a</a></p>')
    assert "<script" not in html and "<h3" not in html
    assert "alert(1)" in html and "Title" in html  # the text of what was taken out stays


def test_a_subset_keeps_only_the_attributes_it_names():
    cut = sanitise.post_html_subset(tags=frozenset({"a"}), attributes={"a": frozenset({"href"})})

    html = cut(sanitise.post_html('<a href="https://example.com/a" title="t">a</a>'))

    assert html == '<a href="https://example.com/a">a</a>'


def test_text_only_keeps_the_words_and_none_of_the_markup():
    text = sanitise.text_only('Kargo <b>ücreti</b> & <script>alert("x")</script><!-- c -->')

    assert text == 'Kargo ücreti & alert("x")'


def test_marks_only_keeps_marks_and_escapes_any_other_tag():
    html = sanitise.marks_only('<mark class="x">iade</mark> <b>süresi</b> &lt;i&gt;')

    assert html == "<mark>iade</mark> &lt;b&gt;süresi&lt;/b&gt; &lt;i&gt;"
