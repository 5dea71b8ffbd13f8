// Rollcall views: a post counts as seen once half of it (or half the screen's height of it) has been on
// screen for a second. Seen ids go to the server in batches, every 10 seconds and when the page is
// hidden or left (fetch keepalive), with the CSRF token; each post is reported once per page.
// Losing a batch only loses a figure, so failures are not retried.
(function () {
  "use strict";

  var body = document.body;
  if (!("IntersectionObserver" in window) || !body || !body.dataset.userId) return;
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";
  var DWELL_MS = 1000, FLUSH_MS = 10000, BATCH = 100;
  var reported = new Set(), queue = [], timers = new Map();

  function postId(el) {
    var n = Number(el.getAttribute("data-post-id"));
    return n > 0 ? n : null;
  }

  function flush(leaving) {
    if (!queue.length) return;
    var batch = queue.splice(0, BATCH);
    fetch("/insights/views", {
      method: "POST",
      credentials: "same-origin",
      keepalive: Boolean(leaving),
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, "X-Requested-With": "fetch" },
      body: JSON.stringify({ post_ids: batch })
    }).catch(function () { /* a lost batch is only a lost figure */ });
    if (queue.length) flush(leaving);
  }

  function seen(id) {
    reported.add(id);
    queue.push(id);
    if (queue.length >= BATCH) flush(false);
  }

  function onScreen(entry) {
    if (!entry.isIntersecting || document.visibilityState !== "visible") return false;
    return entry.intersectionRatio >= 0.5 || entry.intersectionRect.height >= window.innerHeight / 2;
  }

  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      var id = postId(entry.target);
      if (!id || reported.has(id)) return;
      if (onScreen(entry)) {
        if (!timers.has(id)) {
          timers.set(id, setTimeout(function () { timers.delete(id); seen(id); observer.unobserve(entry.target); }, DWELL_MS));
        }
      } else if (timers.has(id)) {
        clearTimeout(timers.get(id));
        timers.delete(id);
      }
    });
  }, { threshold: [0, 0.25, 0.5, 0.75, 1] });

  function watch(root) {
    if (root.nodeType !== 1) return;
    if (root.matches("article.post[data-post-id]")) observer.observe(root);
    root.querySelectorAll("article.post[data-post-id]").forEach(function (el) { observer.observe(el); });
  }

  watch(document.body);
  // Cards added later (the new-posts bar, live refreshes, "older posts") are watched too.
  new MutationObserver(function (mutations) {
    mutations.forEach(function (m) { m.addedNodes.forEach(watch); });
  }).observe(document.body, { childList: true, subtree: true });

  setInterval(function () { flush(false); }, FLUSH_MS);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") flush(true); });
  window.addEventListener("pagehide", function () { flush(true); });
  window.Rollcall = window.Rollcall || {};
  window.Rollcall.flushViews = function () { flush(false); };
})();
