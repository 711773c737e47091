// Contact form, step 1: while the subject is typed, the answers that may already help appear
// right under it (answers.js); opening one is counted. Without this the next step shows them.
(function () {
  "use strict";
  var form = document.querySelector("form[data-contact-step='1']");
  var box = document.getElementById("contact-answers");
  if (!form || !box || !window.answersWhileTyping) return;
  window.answersWhileTyping({
    input: form.querySelector("input[name='subject']"),
    box: box,
    snippetClass: "contact-answers__snippet",
    url: function (q) { return box.getAttribute("data-source") + "?q=" + encodeURIComponent(q); },
    items: function (data) { return data.answers || []; },
    href: function (item) {
      return box.getAttribute("data-open") + "?visit=" +
        encodeURIComponent(box.getAttribute("data-visit") || "") + "&to=" + encodeURIComponent(item.url);
    }
  });
})();
