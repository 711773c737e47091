// The inbox's request page: a saved reply goes into the reply box where the cursor is (or
// replaces the selected text) without reloading the page, so nothing typed is lost. Without
// this, or when the text cannot be fetched, the form reloads the page with it in the box.
(function () {
  "use strict";
  var form = document.querySelector("form[data-saved-reply-url]");
  if (!form || !window.fetch) return;
  var box = document.getElementById(form.getAttribute("data-target"));
  var status = form.querySelector("[data-saved-reply-status]");
  if (!box) return;
  // Until the agent has been in the box, a saved reply goes at its end.
  var visited = false;
  box.addEventListener("focus", function () { visited = true; });

  function insert(text) {
    var start = box.selectionStart, end = box.selectionEnd;
    if (!visited || typeof start !== "number") start = end = box.value.length;
    var before = box.value.slice(0, start);
    var after = box.value.slice(end);
    var gap = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    box.value = before + gap + text + after;
    var caret = (before + gap + text).length;
    box.focus();
    box.setSelectionRange(caret, caret);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var select = form.querySelector("select[name='saved_reply']");
    var url = form.getAttribute("data-saved-reply-url") + "?saved_reply=" +
      encodeURIComponent(select ? select.value : "");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        insert(data.text);
        if (status) status.textContent = select.options[select.selectedIndex].text;
      })
      .catch(function () { form.submit(); });
  });
})();
