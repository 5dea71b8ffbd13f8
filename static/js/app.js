// Rollcall: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Relative times ("5 minutes ago"); the absolute time stays in the title attribute.
  var rtf = new Intl.RelativeTimeFormat("en-GB", { numeric: "auto" });
  var UNITS = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];
  function relative(date) {
    var seconds = (date.getTime() - Date.now()) / 1000;
    for (var i = 0; i < UNITS.length; i++) {
      if (Math.abs(seconds) >= UNITS[i][1]) return rtf.format(Math.round(seconds / UNITS[i][1]), UNITS[i][0]);
    }
    return "just now";
  }
  function refreshTimes(root) {
    (root || document).querySelectorAll("time[data-relative]").forEach(function (el) {
      var date = new Date(el.getAttribute("datetime"));
      if (!isNaN(date)) el.textContent = relative(date);
    });
  }
  window.Rollcall = { refreshTimes: refreshTimes };

  // Forms that need a second thought: <form data-confirm="Are you sure?">.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // Close open menus with Escape or a click elsewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      d.removeAttribute("open");
      d.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      if (!d.contains(event.target)) d.removeAttribute("open");
    });
  });

  // Live filter: <form data-live-filter="#results"> re-fetches results as the person types.
  function liveFilter(form) {
    var target = document.querySelector(form.getAttribute("data-live-filter"));
    var timer = null, controller = null;
    function run() {
      var params = new URLSearchParams(new FormData(form));
      var url = form.action.split("?")[0] + "?" + params.toString();
      if (controller) controller.abort();
      controller = new AbortController();
      fetch(url, { headers: { "X-Requested-With": "fetch" }, signal: controller.signal })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          target.innerHTML = html;
          refreshTimes(target);
          history.replaceState(null, "", url);
        })
        .catch(function () { /* keep the current results; the submit button still works */ });
    }
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 250); });
    form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(run, 50); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    refreshTimes();
    setInterval(refreshTimes, 60000);
    document.querySelectorAll("form[data-live-filter]").forEach(liveFilter);
  });
})();
