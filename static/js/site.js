// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // A link to a question (#anchor) opens its answer.
  function openTarget() {
    if (!location.hash) return;
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.tagName === "DETAILS") target.open = true;
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();

  // Printed articles show every answer and the transcript, not only the open ones.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) {
      d.setAttribute("data-print-opened", "");
      d.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-print-opened]").forEach(function (d) {
      d.removeAttribute("data-print-opened");
      d.open = false;
    });
  });

  // Video guides: the provider's player loads only when the reader asks for it.
  function loadPlayer(facade, start) {
    var iframe = document.createElement("iframe");
    var src = facade.getAttribute("data-player");
    if (start) {
      src = facade.getAttribute("data-provider") === "youtube"
        ? src.replace(/start=\d+/, "start=" + start)
        : src.replace(/#t=\d+s$/, "#t=" + start + "s");
    }
    iframe.src = src;
    iframe.title = facade.textContent.trim();
    iframe.allow = "autoplay; fullscreen; picture-in-picture";
    iframe.allowFullscreen = true;
    iframe.className = "video__frame";
    facade.replaceWith(iframe);
    return iframe;
  }
  document.addEventListener("click", function (event) {
    var facade = event.target.closest && event.target.closest("[data-player]");
    if (facade) {
      event.preventDefault();
      loadPlayer(facade, 0);
      return;
    }
    var chapter = event.target.closest && event.target.closest("[data-seconds]");
    if (!chapter) return;
    var seconds = parseInt(chapter.getAttribute("data-seconds"), 10) || 0;
    var video = document.querySelector("[data-video]");
    var pending = document.querySelector("[data-player]");
    if (video) {
      event.preventDefault();
      video.currentTime = seconds;
      video.play();
      video.focus();
    } else if (pending) {
      event.preventDefault();
      loadPlayer(pending, seconds).scrollIntoView({ block: "center" });
    }
  });
})();

// Search boxes: suggestions while typing, from /<lang>/search/suggest/. Without this the
// box is a plain search form. The list holds ordinary links: Tab or the arrow keys reach
// them, Escape closes it, and it is announced as a count.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  var endpoint = "/" + lang + "/search/suggest/";

  function attach(input) {
    var form = input.form;
    if (!form || !window.fetch) return;
    var list = document.createElement("ul");
    list.className = "suggestions";
    list.id = input.id + "-suggestions";
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    form.appendChild(list);
    form.appendChild(status);
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-autocomplete", "list");
    var timer = null;
    var asked = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function show(items) {
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = item.url;
        a.textContent = item.title; // text only: titles may be written by members
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = !items.length;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      status.textContent = items.length ? items.length + " ↓" : "";
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        asked = q;
        // The box shows a spinner while the suggestions are on their way.
        form.classList.add("is-loading");
        list.setAttribute("aria-busy", "true");
        fetch(endpoint + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (data) { if (input.value.trim() === asked) show(data.suggestions || []); })
          .catch(close)
          .then(function () {
            form.classList.remove("is-loading");
            list.removeAttribute("aria-busy");
          });
      }, 200);
    });
    form.addEventListener("keydown", function (event) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      if (event.key === "Escape") { close(); input.focus(); }
      else if (event.key === "ArrowDown" && !list.hidden) {
        event.preventDefault();
        (links[at + 1] || links[0]).focus();
      } else if (event.key === "ArrowUp" && at >= 0) {
        event.preventDefault();
        (at === 0 ? input : links[at - 1]).focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) close();
    });
  }

  document.querySelectorAll("#header-search-input, #hero-search-input, #search-page-input").forEach(attach);
})();

// The header's menu: a <details> that opens on phones; on wide screens its links sit in the
// header, always shown. Escape closes it on a phone.
(function () {
  "use strict";
  var menu = document.querySelector("[data-site-menu]");
  if (!menu || !window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 52rem)");
  function fit() {
    menu.classList.toggle("site-menu--inline", wide.matches);
    menu.open = wide.matches;
  }
  if (wide.addEventListener) wide.addEventListener("change", fit);
  fit();
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open && !wide.matches) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();
