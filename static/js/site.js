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
