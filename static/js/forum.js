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
    // A visible "looking" line while the answers are on their way (kept on screen until
    // they replace it; a failed request clears it).
    box.setAttribute("aria-busy", "true");
    if (!box.querySelector("ul")) {
      box.textContent = "";
      var waiting = document.createElement("p");
      waiting.className = "loading";
      waiting.textContent = box.getAttribute("data-loading") || "";
      box.appendChild(waiting);
    }
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { articles: [], threads: [] }; })
      .then(function (data) { if (input.value.trim() === q) render(data); })
      .catch(function () { box.textContent = ""; /* suggestions are a courtesy */ })
      .then(function () { box.removeAttribute("aria-busy"); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookUp, 300);
  });
})();
