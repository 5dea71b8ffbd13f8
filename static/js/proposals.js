// Rollcall proposals: the live character count, copy buttons, suggesting an edit to selected words,
// the side panel's forms without a reload, and live updates of the board and the proposal page.
// The socket only says *what* changed; fragments come over HTTP, where permissions are checked again.
// Every page works without this file.
(function () {
  "use strict";

  var FETCH = { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" };

  function toNode(html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html.trim();
    return tpl.content.firstElementChild;
  }

  function announce(id, text) {
    var region = document.getElementById(id);
    if (region) region.textContent = text;
  }

  function refreshTimes(node) {
    if (window.Rollcall && window.Rollcall.refreshTimes) window.Rollcall.refreshTimes(node);
  }

  // ---- the live count, by the chosen channel's own rule -------------------------------------------
  function liveCount(area) {
    var out = document.getElementById(area.getAttribute("data-live-count"));
    var form = area.closest("form");
    var select = form && form.querySelector("[data-channel-select]");
    var notes = form && form.querySelector("[data-channel-notes]");
    var altHint = form && form.querySelector("#f-alt_text-hint");
    if (!out || !window.RollcallCount) return;
    var defaultNotes = notes ? notes.textContent : "";
    var defaultAlt = altHint ? altHint.textContent : "";

    function update() {
      var option = select && select.options[select.selectedIndex];
      var rule = (option && option.getAttribute("data-counting")) || "characters";
      var limit = option ? parseInt(option.getAttribute("data-limit"), 10) : NaN;
      var name = (option && option.getAttribute("data-name")) || "";
      var n = window.RollcallCount.count(area.value, rule);
      var text = n.toLocaleString("en-GB");
      if (limit) {
        text += " of " + limit.toLocaleString("en-GB") + " characters";
        if (n > limit) text += ": " + (n - limit).toLocaleString("en-GB") + " over";
        else if (limit - n <= 20) text += ": " + (limit - n) + " left";
      } else {
        text += n === 1 ? " character" : " characters";
      }
      if (rule === "x_weighted" && name) text += " by " + name + "'s count (links 23, emoji and CJK 2)";
      out.textContent = text;
      out.classList.toggle("counter--low", !!limit && n > limit);
      if (notes) notes.textContent = (option && option.getAttribute("data-notes")) || defaultNotes;
      if (altHint) {
        altHint.textContent = window.RollcallCount.referencesImage(area.value)
          ? "Your draft links to an image: describe it for people who can't see it. " + defaultAlt
          : defaultAlt;
      }
    }
    area.addEventListener("input", update);
    if (select) select.addEventListener("change", update);
    update();
  }

  // ---- copy buttons (the clipboard API; hidden where it isn't available) ----------------------------
  function copyButton(button) {
    if (!navigator.clipboard || !window.isSecureContext) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.querySelector(button.getAttribute("data-copy"));
      var status = button.parentNode.querySelector("[data-copy-status]");
      if (!source) return;
      navigator.clipboard.writeText(source.textContent).then(function () {
        if (status) status.textContent = "Copied to the clipboard.";
      }, function () {
        if (status) status.textContent = "Couldn't copy: select the text and copy it yourself.";
      });
    });
  }

  // ---- suggest an edit to the words selected in the draft -------------------------------------------
  function suggestFromSelection(draft) {
    var box = document.querySelector("[data-suggest]");
    if (!box) return;
    var original = box.querySelector("[data-suggest-original]");
    var start = box.querySelector("[data-suggest-start]");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--small suggest-selection";
    button.hidden = true;
    button.textContent = "Suggest an edit to the selection";
    draft.insertAdjacentElement("afterend", button);
    var chosen = null;

    document.addEventListener("selectionchange", function () {
      var sel = window.getSelection();
      if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return; }
      var range = sel.getRangeAt(0);
      if (!draft.contains(range.startContainer) || !draft.contains(range.endContainer)) { button.hidden = true; return; }
      var before = document.createRange();
      before.setStart(draft, 0);
      before.setEnd(range.startContainer, range.startOffset);
      // The server counts code points, not UTF-16 units.
      chosen = { text: range.toString(), start: Array.from(before.toString()).length };
      var label = chosen.text.length > 40 ? chosen.text.slice(0, 40) + "…" : chosen.text;
      button.textContent = "Suggest an edit to “" + label + "”";
      button.hidden = false;
    });
    button.addEventListener("click", function () {
      if (!chosen) return;
      original.value = chosen.text;
      start.value = String(chosen.start);
      box.open = true;
      var replacement = box.querySelector("#f-replacement");
      replacement.value = chosen.text;
      replacement.focus();
      button.hidden = true;
    });
    original.addEventListener("input", function () { start.value = ""; });
  }

  // ---- the proposal page: side panel forms and live updates -----------------------------------------
  function replacePanel(panel, html) {
    var node = toNode(html);
    if (!node) return;
    var active = document.activeElement;
    if (panel.contains(active) && active.matches("input, textarea, select")) return;  // never under a typist
    var hadFocus = panel.contains(active);
    var wasOpen = Array.prototype.map.call(panel.querySelectorAll("details"), function (d) { return d.open; });
    panel.replaceWith(node);
    node.querySelectorAll("details").forEach(function (d, i) { if (wasOpen[i]) d.open = true; });
    refreshTimes(node);
    if (hadFocus) {
      var target = node.querySelector("button, a[href]") || node;
      if (target === node) node.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
    }
  }

  function proposalPage(page) {
    var id = page.getAttribute("data-proposal-page");
    var panelId = "proposal-live-" + id;
    var timer = null;

    function refreshPanel() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch("/proposals/" + id + "/live", FETCH).then(function (r) {
          if (!r.ok || r.redirected) throw new Error(String(r.status));
          return r.text();
        }).then(function (html) {
          var panel = document.getElementById(panelId);
          if (panel) replacePanel(panel, html);
        }).catch(function () { /* keep what is shown; a reload fixes it */ });
      }, 250);
    }

    // Forms in the panel post without a reload; errors fall back to the full page, which shows them.
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches || !form.matches("[data-live-form]") || event.defaultPrevented) return;
      if (!document.getElementById(panelId) || !document.getElementById(panelId).contains(form)) return;
      event.preventDefault();
      var button = form.querySelector("[type=submit]");
      if (button) button.disabled = true;
      fetch(form.action, { method: "POST", body: new FormData(form), headers: FETCH.headers, credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) throw new Error(String(r.status));
          return r.text();
        })
        .then(function (html) {
          var panel = document.getElementById(panelId);
          if (!panel) return;
          var focusName = button ? button.textContent : "";
          replacePanel(panel, html);
          announce("live-region", focusName ? "Done: " + focusName.trim() : "Done");
          var again = document.getElementById(panelId);
          if (again) (again.querySelector("[data-live-form] button") || again).focus({ preventScroll: true });
        })
        .catch(function () { form.removeAttribute("data-live-form"); form.submit(); });
    });

    var stale = false;
    function changed(data) {
      if (String(data.proposal_id) !== id) return;
      refreshPanel();
      // Someone else changed the draft or its suggestions: offer the latest rather than move the page.
      var mine = Number(data.actor_id) === Number(document.body.dataset.userId);
      if ((data.version || data.suggestion_id) && !mine) showStale();
    }
    function showStale() {
      if (stale) return;
      stale = true;
      var bar = document.createElement("button");
      bar.type = "button";
      bar.className = "new-posts-bar proposal-stale";
      bar.textContent = "This proposal has changed: show the latest";
      bar.addEventListener("click", function () { window.location.reload(); });
      page.insertBefore(bar, page.firstChild);
      announce("live-region", "This proposal has changed.");
    }
    return changed;
  }

  // ---- the board: cards move between columns as proposals move ----------------------------------------
  function boardPage(board) {
    var filters = board.getAttribute("data-filters") || "";

    function column(stage) { return board.querySelector('[data-stage-cards="' + stage + '"]'); }
    function bump(stage, delta) {
      var count = board.querySelector('[data-stage-count="' + stage + '"]');
      if (count) count.textContent = String(Math.max(0, (parseInt(count.textContent, 10) || 0) + delta));
      var list = column(stage);
      var empty = list && list.parentNode.querySelector("[data-board-empty]");
      if (empty) empty.hidden = list.children.length > 0;
    }

    function refreshCard(data) {
      var id = data.proposal_id;
      fetch("/proposals/" + id + "/card" + (filters ? "?" + filters : ""), FETCH).then(function (r) {
        if (r.status === 404 || r.status === 403) return null;
        if (!r.ok || r.redirected) throw new Error(String(r.status));
        return r.text();
      }).then(function (html) {
        var old = document.getElementById("proposal-card-" + id);
        var oldStage = old && old.getAttribute("data-stage");
        if (html === null) {
          if (old) { old.remove(); bump(oldStage, -1); }
          return;
        }
        var node = toNode(html);
        var stage = node.getAttribute("data-stage");
        var target = column(stage);
        if (!target) return;
        if (old && oldStage === stage) {
          old.replaceWith(node);
        } else {
          if (old) { old.remove(); bump(oldStage, -1); }
          target.insertBefore(node, target.firstChild);
          node.classList.add("is-new");
          bump(stage, 1);
          var title = board.querySelector("#col-" + stage);
          var name = title ? title.firstChild.textContent.trim() : stage;
          announce("board-live", (old ? "A proposal moved to " : "A new proposal in ") + name + ".");
        }
        refreshTimes(node);
      }).catch(function () { /* a reload shows the board as it is */ });
    }
    return refreshCard;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-live-count]").forEach(liveCount);
    document.querySelectorAll("[data-copy]").forEach(copyButton);
    var draft = document.querySelector("[data-draft]");
    if (draft) suggestFromSelection(draft);

    var handlers = [];
    var page = document.querySelector("[data-proposal-page]");
    if (page) handlers.push(proposalPage(page));
    var board = document.querySelector("[data-board]");
    if (board) handlers.push(boardPage(board));
    var socket = window.Rollcall && window.Rollcall.socket;
    if (!socket || !handlers.length) return;
    var seen = new Set();
    ["proposal_created", "proposal_updated", "proposal_moved", "endorsement_updated", "suggestion_created",
      "suggestion_decided"].forEach(function (name) {
      socket.on(name, function (data) {
        if (!data || typeof data.seq !== "number" || seen.has(data.seq)) return;  // replays may repeat
        seen.add(data.seq);
        handlers.forEach(function (handle) { handle(data); });
      });
    });
  });
})();
