// Contact form, step 1: while the subject is typed, the answers that may already help appear
// right under it (opening one is counted). Without this file the form's next step shows them.
(function () {
  "use strict";
  var form = document.querySelector("form[data-contact-step='1']");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[name='subject']");
  var box = document.getElementById("contact-answers");
  if (!input || !box) return;
  var timer = null;
  var last = "";

  function render(answers) {
    box.textContent = "";
    if (!answers.length) return;
    var h = document.createElement("h2");
    h.textContent = box.getAttribute("data-heading") || "";
    box.appendChild(h);
    var ul = document.createElement("ul");
    answers.forEach(function (answer) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = box.getAttribute("data-open") + "?visit=" +
        encodeURIComponent(box.getAttribute("data-visit") || "") + "&to=" + encodeURIComponent(answer.url);
      a.textContent = answer.title; // text, never HTML: thread titles are written by members
      li.appendChild(a);
      if (answer.snippet) {
        var p = document.createElement("p");
        p.className = "contact-answers__snippet";
        p.textContent = answer.snippet;
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
    fetch(box.getAttribute("data-source") + "?q=" + encodeURIComponent(q), {
      headers: { Accept: "application/json" }, credentials: "same-origin"
    })
      .then(function (r) { return r.ok ? r.json() : { answers: [] }; })
      .then(function (data) { if (input.value.trim() === q) render(data.answers || []); })
      .catch(function () { box.textContent = ""; })
      .then(function () { box.removeAttribute("aria-busy"); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookUp, 300);
  });
  if (input.value.trim()) lookUp();
})();
