/* Status Tracker page behaviour. Loaded with `defer` after htmx and its SSE extension.
 *
 * - live indicator: [data-live-status] follows the htmx SSE events (connecting, live, reconnecting)
 * - SSE event "reload": the server lost track of this page; reload it
 * - <time datetime>: relative text kept fresh, exact local time in title; data-format="exact"
 *   shows the local date and time instead
 * - broken posters (img[data-poster]) are hidden so the placeholder beneath shows
 * - a card that arrives twice (new-request for a card already shown) replaces the old one
 * - filter forms ([data-autosubmit]) submit when a select changes
 *
 * No inline handlers anywhere (CSP default-src 'self'); everything hangs off data attributes.
 */
(function () {
  "use strict";

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var LIVE_TEXT = { connecting: "Connecting…", open: "Live", reconnecting: "Reconnecting…" };
  var exactFormat = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short"
  });
  var shortFormat = new Intl.DateTimeFormat(undefined, {
    month: "short", day: "numeric", hour: "2-digit", minute: "2-digit"
  });

  function relative(date, now) {
    var seconds = (now - date) / 1000;
    if (seconds < 45) {
      return seconds > -60 ? "just now" : calendarDate(date, now);
    }
    if (seconds < 3600) { return Math.max(1, Math.round(seconds / 60)) + " min ago"; }
    if (seconds < 86400) { return Math.floor(seconds / 3600) + " h ago"; }
    if (seconds < 2 * 86400) { return "yesterday"; }
    if (seconds < 7 * 86400) { return Math.floor(seconds / 86400) + " days ago"; }
    return calendarDate(date, now);
  }

  function calendarDate(date, now) {
    var text = date.getDate() + " " + MONTHS[date.getMonth()];
    return date.getFullYear() === now.getFullYear() ? text : text + " " + date.getFullYear();
  }

  function localiseTimes(root) {
    var now = new Date();
    each(root, "time[datetime]", function (el) {
      var date = new Date(el.getAttribute("datetime"));
      if (isNaN(date.getTime())) { return; }
      el.title = exactFormat.format(date);
      el.textContent = el.dataset.format === "exact" ? shortFormat.format(date) : relative(date, now);
    });
  }

  function hidePoster(img) {
    img.hidden = true;
  }

  function checkPosters(root) {
    each(root, "img[data-poster]", function (img) {
      if (img.complete && img.naturalWidth === 0) { hidePoster(img); }
    });
  }

  function dropDuplicateCards(root) {
    each(root, "[data-request-card]", function (card) {
      var all = document.querySelectorAll("#" + CSS.escape(card.id));
      for (var i = 0; i < all.length; i++) {
        if (all[i] !== card) { all[i].remove(); }
      }
    });
  }

  function each(root, selector, fn) {
    if (root.matches && root.matches(selector)) { fn(root); }
    var found = root.querySelectorAll ? root.querySelectorAll(selector) : [];
    for (var i = 0; i < found.length; i++) { fn(found[i]); }
  }

  function setLive(state) {
    var el = document.querySelector("[data-live-status]");
    if (!el) { return; }
    el.hidden = false;
    el.dataset.state = state;
    var text = el.querySelector("[data-live-text]");
    if (text) { text.textContent = LIVE_TEXT[state]; }
  }

  function enhance(root) {
    localiseTimes(root);
    checkPosters(root);
  }

  // Errors do not bubble; a capturing listener sees every failed poster.
  document.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("img[data-poster]")) { hidePoster(target); }
  }, true);

  document.addEventListener("htmx:sseOpen", function (event) {
    setLive("open");
    var source = event.detail && event.detail.source;
    if (source && !source.statusTrackerReload) {
      source.statusTrackerReload = true;
      source.addEventListener("reload", function () { window.location.reload(); });
    }
  });
  document.addEventListener("htmx:sseError", function () { setLive("reconnecting"); });

  document.addEventListener("htmx:load", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt !== document.body) {
      enhance(elt);
      dropDuplicateCards(elt);
    }
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    var form = field && field.form;
    if (form && field.tagName === "SELECT" && form.hasAttribute("data-autosubmit")) {
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    }
  });

  function start() {
    enhance(document);
    if (document.querySelector("[data-live-status]") && document.querySelector("[sse-connect]")) {
      var status = document.querySelector("[data-live-status]");
      if (status.dataset.state !== "open") { setLive("connecting"); }
    }
    window.setInterval(function () { localiseTimes(document); }, 30000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
