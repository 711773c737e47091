// Ask form: while the title is typed, show articles and solved threads that may already
// answer it (answers.js). The form works without this.
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggest-url]");
  if (!form || !window.answersWhileTyping) return;
  window.answersWhileTyping({
    input: form.querySelector("input[data-suggest='title']"),
    box: document.getElementById("ask-suggestions"),
    snippetClass: "ask-suggestions__snippet",
    url: function (q) { return form.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(q); },
    items: function (data) { return (data.articles || []).concat(data.threads || []); }
  });
})();
