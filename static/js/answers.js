// Answers while typing: under a field (the ask form's title, the contact form's subject) the
// articles and threads that may already answer it, with a visible "looking" line while they
// are on their way. One piece for every form that does this; each page says where and how.
// The forms work without it (their next step or preview shows the same answers).
window.answersWhileTyping = function (options) {
  "use strict";
  var input = options.input;
  var box = options.box;
  if (!input || !box || !window.fetch) return;
  var timer = null;
  var last = "";

  function render(items) {
    box.textContent = "";
    if (!items.length) return;
    var h = document.createElement("h2");
    h.textContent = box.getAttribute("data-heading") || "";
    box.appendChild(h);
    var ul = document.createElement("ul");
    items.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = options.href ? options.href(item) : item.url;
      a.textContent = item.title; // text, never HTML: thread titles are written by members
      li.appendChild(a);
      if (item.solved && box.getAttribute("data-solved")) {
        var badge = document.createElement("span");
        badge.className = "badge badge--solved";
        badge.textContent = box.getAttribute("data-solved");
        li.appendChild(document.createTextNode(" "));
        li.appendChild(badge);
      }
      if (item.snippet) {
        var p = document.createElement("p");
        p.className = options.snippetClass;
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
    box.setAttribute("aria-busy", "true");
    if (!box.querySelector("ul")) {
      box.textContent = "";
      var waiting = document.createElement("p");
      waiting.className = "loading";
      waiting.textContent = box.getAttribute("data-loading") || "";
      box.appendChild(waiting);
    }
    fetch(options.url(q), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (input.value.trim() === q) render(data ? options.items(data) : []); })
      .catch(function () { box.textContent = ""; /* answers are a courtesy */ })
      .then(function () { box.removeAttribute("aria-busy"); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookUp, 300);
  });
  if (input.value.trim()) lookUp();
};
