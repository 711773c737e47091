// Ask form: while the title is typed, show articles and solved threads that may already
// answer it. The form works without this; a failed request simply shows nothing new.
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggest-url]");
  if (!form) return;
  var input = form.querySelector("input[data-suggest='title']");
  var box = document.getElementById("ask-suggestions");
  if (!input || !box) return;
  var timer = null;
  var last = "";
  var heading = box.getAttribute("data-heading") || "";

  function render(data) {
    var items = (data.articles || []).concat(data.threads || []);
    box.textContent = "";
    if (!items.length) return;
    var h = document.createElement("h2");
    h.textContent = heading;
    box.appendChild(h);
    var ul = document.createElement("ul");
    items.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url;
      a.textContent = item.title; // text, never HTML: titles are user input
      li.appendChild(a);
      if (item.solved) {
        var badge = document.createElement("span");
        badge.className = "badge badge--solved";
        badge.textContent = box.getAttribute("data-solved") || "";
        li.appendChild(document.createTextNode(" "));
        li.appendChild(badge);
      }
      if (item.snippet) {
        var p = document.createElement("p");
        p.className = "ask-suggestions__snippet";
        p.textContent = item.snippet; // text, never HTML
        li.appendChild(p);
      }
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }

  function lookUp() {
    var q = input.value.trim();
    if (q.length < 3 || q === last) return;
    last = q;
    var url = form.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(q);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { articles: [], threads: [] }; })
      .then(function (data) { if (input.value.trim() === q) render(data); })
      .catch(function () { /* suggestions are a courtesy */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookUp, 300);
  });
})();
