// Rollcall sessions: the live Q&A on a session page. Like realtime.js, the socket only says what
// changed (ids, a vote count, a seq); questions are fetched as HTML over HTTP, where permissions are
// checked again. Writes (ask, upvote, answered, remove) go over HTTP with the form's CSRF token.
// Without this file every form still posts and the server redirects back.
// Markup contract: section#qa[data-qa-session][data-qa-state], ol#questions-<id>, li#question-<id>,
// [data-vote-count], [data-vote-unit], [data-vote-button], form[data-qa-ask], form[data-qa-form], #qa-live,
// [data-no-questions], [data-live-part] (regions swapped from a fresh page), .session[data-starts-at].
(function () {
  "use strict";

  var qa = document.querySelector("[data-qa-session]");
  if (!qa) return;
  var sessionId = Number(qa.dataset.qaSession);
  var timers = {};

  function toNode(html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = (html || "").trim();
    return tpl.content.firstElementChild;
  }

  function refreshTimes(node) {
    if (node && window.Rollcall && window.Rollcall.refreshTimes) window.Rollcall.refreshTimes(node);
  }

  function announce(text) {
    var region = document.getElementById("qa-live");
    if (region) region.textContent = text;
  }

  function list() { return document.getElementById("questions-" + sessionId); }

  function debounce(key, fn, ms) {
    clearTimeout(timers[key]);
    timers[key] = setTimeout(function () { delete timers[key]; fn(); }, ms);
  }

  // Resolves to HTML, to null when the item is gone or hidden (403/404), or rejects.
  function fetchFragment(url) {
    return fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 403 || response.status === 404) return null;
        if (!response.ok || response.redirected) throw new Error(String(response.status));
        return response.text();
      });
  }

  function placeQuestion(html, isNew) {
    var node = toNode(html);
    if (!node || !node.id) return null;
    var old = document.getElementById(node.id);
    if (old) {
      if (old.contains(document.activeElement)) {
        var index = Array.prototype.indexOf.call(old.querySelectorAll("button"), document.activeElement);
        old.replaceWith(node);
        var again = node.querySelectorAll("button")[index];
        if (again) again.focus({ preventScroll: true });
      } else {
        old.replaceWith(node);
      }
    } else if (list()) {
      list().appendChild(node);
      if (isNew) node.classList.add("is-new");
      var empty = qa.querySelector("[data-no-questions]");
      if (empty) empty.remove();
    }
    refreshTimes(node);
    return node;
  }

  function refreshQuestion(id) {
    debounce("q" + id, function () {
      fetchFragment("/sessions/questions/" + id).then(function (html) {
        var el = document.getElementById("question-" + id);
        if (html === null) { if (el) el.remove(); return; }
        placeQuestion(html, false);
      }).catch(function () { /* keep what is shown; the next event or a reload fixes it */ });
    }, 150);
  }

  function setVotes(id, count) {
    var el = document.getElementById("question-" + id);
    if (!el || typeof count !== "number") return;
    var number = el.querySelector("[data-vote-count]");
    var unit = el.querySelector("[data-vote-unit]");
    if (number) number.textContent = String(count);
    if (unit) unit.textContent = count === 1 ? " vote" : " votes";
  }

  // Swap the regions marked data-live-part (the reply box, the Q&A) from a fresh copy of the page:
  // used when the Q&A opens or closes, or replies change the places left.
  function refreshParts() {
    debounce("parts", function () {
      fetchFragment(window.location.pathname).then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live-part]").forEach(function (part) {
          var fresh = doc.getElementById(part.id);
          if (!fresh || part.contains(document.activeElement) && document.activeElement.matches("textarea, input")) return;
          part.replaceWith(document.importNode(fresh, true));
        });
        qa = document.querySelector("[data-qa-session]") || qa;
        refreshTimes(document);
      }).catch(function () { /* a reload shows the latest */ });
    }, 300);
  }

  // ---- writes over HTTP ----------------------------------------------------------------------
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-qa-ask], form[data-qa-form]") || event.defaultPrevented) return;
    event.preventDefault();
    var button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    var item = form.closest("li.question");
    fetch(form.action, { method: "POST", body: new FormData(form), headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (response.status === 422) {
          return response.json().then(function (body) {
            var fields = body.error.fields || {};
            var message = fields.body || fields.vote || body.error.message;
            var error = form.querySelector(".field__error");
            if (error) { error.textContent = message; error.hidden = false; } else { announce(message); }
          });
        }
        if (!response.ok) throw new Error(String(response.status));
        if (response.status === 204) { if (item) item.remove(); announce("Question removed"); return; }
        return response.text().then(function (html) {
          var node = placeQuestion(html, form.matches("[data-qa-ask]"));
          if (form.matches("[data-qa-ask]")) {
            var area = form.querySelector("textarea");
            var error = form.querySelector(".field__error");
            if (area) { area.value = ""; area.focus(); }
            if (error) { error.textContent = ""; error.hidden = true; }
            announce("Your question was added");
          } else if (node && !node.contains(document.activeElement)) {
            var again = node.querySelector("[data-vote-button]");
            if (again && form.classList.contains("question__vote")) again.focus({ preventScroll: true });
          }
        });
      })
      .catch(function () {
        form.removeAttribute("data-qa-ask");
        form.removeAttribute("data-qa-form");
        form.submit();
      })
      .finally(function () { if (button && button.isConnected) button.disabled = false; });
  });

  // ---- live events ---------------------------------------------------------------------------
  var socket = window.Rollcall && window.Rollcall.socket;
  if (socket) {
    socket.on("question_created", function (data) {
      if (!data || Number(data.session_id) !== sessionId) return;
      if (document.getElementById("question-" + data.question_id)) return;
      fetchFragment("/sessions/questions/" + data.question_id).then(function (html) {
        if (!html || document.getElementById("question-" + data.question_id)) return;
        placeQuestion(html, true);
        if (Number(data.author_id) !== Number(document.body.dataset.userId)) announce("New question");
      }).catch(function () { /* a reload shows it */ });
    });
    socket.on("question_updated", function (data) {
      if (!data || Number(data.session_id) !== sessionId) return;
      var el = document.getElementById("question-" + data.question_id);
      if (!el) return;
      if (data.removed) { el.remove(); return; }
      setVotes(data.question_id, data.vote_count);
      if (Boolean(data.answered) !== el.classList.contains("question--answered")) refreshQuestion(data.question_id);
    });
    socket.on("session_updated", function (data) {
      if (data && Number(data.session_id) === sessionId) refreshParts();
    });
  }

  // The Q&A opens and closes by the clock too: refresh the page's live parts at those moments.
  var holder = document.querySelector(".session[data-starts-at]");
  if (holder) {
    [holder.dataset.startsAt, holder.dataset.endsAt].forEach(function (iso) {
      var wait = new Date(iso).getTime() - Date.now();
      if (wait > 0 && wait < 12 * 3600 * 1000) setTimeout(refreshParts, wait + 1000);
    });
  }
})();
