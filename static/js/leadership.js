// Rollcall leadership: Acknowledge without a reload, and pinned updates that follow the socket.
// Markup contract: section#update-pins holding article.post#post-<id> cards, and
// form[data-acknowledge=<post id>] on an update card. Without this file the form posts and redirects.
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("live-region");
    if (region) region.textContent = text;
  }

  function refreshTimes(node) {
    if (node && window.Rollcall && window.Rollcall.refreshTimes) window.Rollcall.refreshTimes(node);
  }

  function toNode(html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html.trim();
    return tpl.content.firstElementChild;
  }

  // Take a card out of the pinned updates; true if it was there.
  function unpin(postId) {
    var box = document.getElementById("update-pins");
    var card = box && box.querySelector("#post-" + postId);
    if (!card) return false;
    var hadFocus = card.contains(document.activeElement);
    card.remove();
    var next = box.querySelector("article.post");
    if (!next) box.hidden = true;
    if (hadFocus) {
      var target = next || document.getElementById("feed-title") || document.getElementById("main");
      target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
    }
    announce("Acknowledged. The update has left your pinned items.");
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-acknowledge]") || event.defaultPrevented) return;
    event.preventDefault();
    var postId = form.getAttribute("data-acknowledge");
    var button = form.querySelector("button");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok || response.redirected) throw new Error(String(response.status));
      return response.text();
    }).then(function (html) {
      var card = document.getElementById("post-" + postId), fresh = toNode(html);
      // The socket may have taken it off the pin already (and said so).
      if (unpin(postId) || !card) return;
      if (fresh) {
        card.replaceWith(fresh);
        refreshTimes(fresh);
        fresh.setAttribute("tabindex", "-1");
        fresh.focus({ preventScroll: true });
      }
      announce("Acknowledged. Thank you.");
    }).catch(function () {
      form.removeAttribute("data-acknowledge");
      form.submit();
    });
  });

  function refreshPins() {
    var box = document.getElementById("update-pins");
    if (!box) return;
    fetch("/leadership/pins", { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) { return response.ok && !response.redirected ? response.text() : null; })
      .then(function (html) {
        var fresh = html && toNode(html);
        var current = document.getElementById("update-pins");
        if (!fresh || !current || current.contains(document.activeElement)) return;
        current.replaceWith(fresh);
        refreshTimes(fresh);
        if (!fresh.hidden) announce("A leadership update is waiting for your acknowledgement.");
      })
      .catch(function () { /* a reload shows it */ });
  }

  var socket = window.Rollcall && window.Rollcall.socket;
  if (!socket) return;
  // Acknowledged in another tab or device: it leaves the pins here too.
  socket.on("update_acknowledged", function (data) {
    if (data && data.post_id) unpin(data.post_id);
  });
  // A new update asking for acknowledgement: it joins the pins (the server decides who sees it).
  socket.on("post_created", function (data) {
    if (data && data.kind === "update" && data.ack_required) refreshPins();
  });
})();
