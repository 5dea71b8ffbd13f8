// Rollcall live updates. The socket only says *what* changed (ids and a seq); the page fetches the
// HTML over HTTP, where permissions are checked again. Every page works without this file.
// Markup contract: <body data-user-id data-last-seq>, #feed[data-feed][data-community-ids]
// [data-author-ids][data-topic][data-url], #new-posts-bar, #live-region, article.post#post-<id>,
// [data-reaction-counts=<id>], [data-reply-count=<id>], ol#replies-<id>, #reply-<id>, .notif-link,
// #live-status (role=status: "reconnecting" while the socket is down).
(function () {
  "use strict";

  var body = document.body;
  if (typeof window.io !== "function" || !body || !body.dataset.userId) return;

  var myId = Number(body.dataset.userId);
  var lastSeq = /^\d+$/.test(body.dataset.lastSeq || "") ? Number(body.dataset.lastSeq) : null;
  var seen = new Set(), seenOrder = [];
  var pendingPosts = 0;
  var timers = {};

  // ---- helpers -------------------------------------------------------------------------------
  function remember(seq) {
    seen.add(seq);
    seenOrder.push(seq);
    if (seenOrder.length > 2000) seen.delete(seenOrder.shift());
  }

  function refreshTimes(node) {
    if (node && window.Rollcall && window.Rollcall.refreshTimes) window.Rollcall.refreshTimes(node);
  }

  function toNodes(html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html.trim();
    return Array.prototype.filter.call(tpl.content.childNodes, function (n) { return n.nodeType === 1; });
  }

  // Resolves to the HTML, to null when the item is gone (404/403/410), or rejects on other trouble.
  function fetchFragment(url) {
    return fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) {
        if ([403, 404, 410].indexOf(response.status) !== -1) return null;
        // A redirect means the session ended (sign-in page): never paste that into the page.
        if (!response.ok || response.redirected) throw new Error(String(response.status));
        return response.text();
      });
  }

  // Coalesce bursts (ten reactions in a second make one fetch, not ten).
  function debounce(key, fn, ms) {
    clearTimeout(timers[key]);
    timers[key] = setTimeout(function () { delete timers[key]; fn(); }, ms);
  }

  function focusables(root) {
    return Array.prototype.slice.call(root.querySelectorAll("a[href], button, input, select, textarea, [tabindex]"));
  }

  // Replace an element with fresh HTML, keeping focus and open menus where the reader left them.
  function replaceKeepingFocus(old, html) {
    var node = toNodes(html)[0];
    if (!node || !old.parentNode) return null;
    var active = document.activeElement;
    var hadFocus = old.contains(active);
    if (hadFocus && active.matches("input, textarea, select")) return null;  // don't pull text from under a typist
    var focusIndex = hadFocus ? focusables(old).indexOf(active) : -1;
    var openMenus = Array.prototype.map.call(old.querySelectorAll("details"), function (d) { return d.open; });
    old.replaceWith(node);
    node.querySelectorAll("details").forEach(function (d, i) { if (openMenus[i]) d.open = true; });
    refreshTimes(node);
    if (hadFocus) {
      var target = focusables(node)[focusIndex];
      if (!target) { node.setAttribute("tabindex", "-1"); target = node; }
      target.focus({ preventScroll: true });
    }
    return node;
  }

  function refreshElement(id, url) {
    debounce(id, function () {
      if (!document.getElementById(id)) return;
      fetchFragment(url).then(function (html) {
        var el = document.getElementById(id);
        if (!el) return;
        if (html === null) el.remove();
        else replaceKeepingFocus(el, html);
      }).catch(function () { /* keep what is shown; the next event or a reload fixes it */ });
    }, 250);
  }

  function refreshCard(postId) { refreshElement("post-" + postId, "/posts/" + postId + "/card"); }
  function refreshReply(replyId) { refreshElement("reply-" + replyId, "/replies/" + replyId + "/card"); }

  function announce(text) {
    var region = document.getElementById("live-region");
    if (region) region.textContent = text;
  }

  function ids(raw) {
    try { return (JSON.parse(raw || "[]") || []).map(Number); } catch (e) { return []; }
  }

  // ---- feeds: a bar, never a jump under the reader -------------------------------------------
  function belongsOnFeed(feed, data) {
    if (feed.dataset.feed === "topic") {
      var topic = (feed.dataset.topic || "").toLowerCase();
      return (data.topics || []).some(function (t) { return String(t).toLowerCase() === topic; });
    }
    return ids(feed.dataset.communityIds).indexOf(Number(data.community_id)) !== -1 ||
      ids(feed.dataset.authorIds).indexOf(Number(data.author_id)) !== -1;
  }

  function newPostsText(n) { return n === 1 ? "1 new post" : n + " new posts"; }

  function postCreated(data) {
    var feed = document.getElementById("feed");
    var bar = document.getElementById("new-posts-bar");
    if (!feed || !bar || Number(data.author_id) === myId) return;  // my own posts are added by posts.js
    if (document.getElementById("post-" + data.post_id) || !belongsOnFeed(feed, data)) return;
    pendingPosts += 1;
    bar.textContent = newPostsText(pendingPosts) + " — show";
    bar.hidden = false;
    announce(newPostsText(pendingPosts));
  }

  function topPostId(feed) {
    return Array.prototype.reduce.call(feed.querySelectorAll("article.post[data-post-id]"), function (top, el) {
      return Math.max(top, Number(el.dataset.postId) || 0);
    }, 0);
  }

  function showNewPosts(event) {
    var feed = document.getElementById("feed");
    var bar = event.currentTarget;
    var url = (feed.dataset.url || window.location.pathname) + "?after=" + topPostId(feed) + "&partial=1";
    bar.disabled = true;
    fetchFragment(url).then(function (html) {
      var items = feed.querySelector("[data-feed-items]") || feed;
      var fresh = toNodes(html || "").filter(function (n) { return !n.id || !document.getElementById(n.id); });
      var fragment = document.createDocumentFragment();
      fresh.forEach(function (n) { n.classList.add("is-new"); fragment.appendChild(n); });
      items.insertBefore(fragment, items.firstChild);
      fresh.forEach(refreshTimes);
      var empty = feed.querySelector(":scope > .empty");
      if (fresh.length && empty) empty.remove();
      pendingPosts = 0;
      bar.hidden = true;
      announce("");
      if (fresh[0]) { fresh[0].setAttribute("tabindex", "-1"); fresh[0].focus(); }
    }).catch(function () { window.location.reload(); })
      .finally(function () { bar.disabled = false; });
  }

  // ---- cards and threads -----------------------------------------------------------------------
  function setReplyCount(postId, count) {
    if (typeof count !== "number") return;
    document.querySelectorAll('[data-reply-count="' + postId + '"]').forEach(function (el) {
      el.textContent = count === 1 ? "1 reply" : count ? count + " replies" : "Reply";
    });
  }

  // Counts are numbers, not content: update them in place without a fetch.
  function reactionUpdated(data) {
    var boxes = document.querySelectorAll('[data-reaction-counts="' + data.post_id + '"]');
    if (!boxes.length) return;
    if (!data.counts) { refreshCard(data.post_id); return; }
    boxes.forEach(function (box) {
      box.querySelectorAll("form").forEach(function (form) {
        var kind = form.querySelector('input[name="kind"]'), button = form.querySelector("button");
        if (!kind || !button) return;
        var n = data.counts[kind.value] || 0, label = button.getAttribute("title") || kind.value;
        var count = button.querySelector(".reaction__count");
        button.setAttribute("aria-label", n ? label + ", " + n : label);
        if (!n) { if (count) count.remove(); return; }
        if (!count) {
          count = document.createElement("span");
          count.className = "reaction__count";
          count.setAttribute("aria-hidden", "true");
          button.appendChild(count);
        }
        count.textContent = String(n);
      });
    });
  }

  function replyCreated(data) {
    setReplyCount(data.post_id, data.reply_count);
    var list = document.getElementById("replies-" + data.post_id);
    if (!list || document.getElementById("reply-" + data.reply_id)) return;
    fetchFragment("/replies/" + data.reply_id + "/card").then(function (html) {
      // The author's own page may have added it meanwhile.
      if (!html || document.getElementById("reply-" + data.reply_id)) return;
      var node = toNodes(html)[0];
      if (!node) return;
      list.appendChild(node);
      refreshTimes(node);
      var empty = document.querySelector("[data-no-replies]");
      if (empty) empty.remove();
      if (Number(data.author_id) !== myId) announce("New reply");
    }).catch(function () { /* the count is right; a reload shows the reply */ });
  }

  // ---- notifications -----------------------------------------------------------------------------
  function notificationCreated() {
    document.querySelectorAll(".notif-link").forEach(function (link) {
      if (link.querySelector("[data-unread-count]")) return;
      var badge = document.createElement("span");
      badge.className = "badge";
      badge.setAttribute("data-unread-count", "");
      badge.textContent = "0";
      link.appendChild(badge);
    });
    document.querySelectorAll("[data-unread-count]").forEach(function (badge) {
      var n = (parseInt(badge.textContent, 10) || 0) + 1;
      badge.textContent = String(n);
      badge.hidden = false;
      var link = badge.closest(".notif-link");
      if (link) link.setAttribute("aria-label", "Notifications, " + n + " unread");
    });
  }

  // A held post a moderator approved: refresh it where it is shown (its author, moderators), and for
  // everyone else it arrives like a new post.
  function postApproved(data) {
    if (document.getElementById("post-" + data.post_id)) refreshCard(data.post_id);
    else postCreated(data);
  }

  function replyApproved(data) {
    if (document.getElementById("reply-" + data.reply_id)) {
      setReplyCount(data.post_id, data.reply_count);
      refreshReply(data.reply_id);
    } else {
      replyCreated(data);
    }
  }

  var HANDLERS = {
    post_created: postCreated,
    post_approved: postApproved,
    post_held: function (d) { refreshCard(d.post_id); },
    post_updated: function (d) { refreshCard(d.post_id); },
    post_pinned: function (d) { refreshCard(d.post_id); },
    post_deleted: function (d) { refreshCard(d.post_id); },
    reaction_updated: reactionUpdated,
    reply_created: replyCreated,
    reply_updated: function (d) { setReplyCount(d.post_id, d.reply_count); refreshReply(d.reply_id); },
    reply_approved: replyApproved,
    reply_deleted: function (d) { setReplyCount(d.post_id, d.reply_count); refreshReply(d.reply_id); },
    notification_created: notificationCreated
  };

  // ---- the socket ----------------------------------------------------------------------------------
  // auth is a function so every reconnect sends the newest seq and gets only what it missed.
  var socket = window.io({
    transports: ["websocket"],
    auth: function (cb) { cb(lastSeq === null ? {} : { last_seq: lastSeq }); }
  });

  socket.onAny(function (name, data) {
    if (name === "resync_required") { window.location.reload(); return; }
    if (!data || typeof data.seq !== "number" || seen.has(data.seq)) return;  // replays may repeat
    remember(data.seq);
    if (lastSeq === null || data.seq > lastSeq) lastSeq = data.seq;
    if (HANDLERS[name]) HANDLERS[name](data);
  });

  // ---- connection status: say so while live updates are paused, and keep trying ----------------
  // socket.io retries by itself after network trouble, but not after the server closed or refused
  // the socket; the server refuses with {retry: true} while its message queue is down.
  var statusBox = document.getElementById("live-status");
  var retryDelay = 1000, retryTimer = null, hideTimer = null, paused = false;

  function showStatus(text, state) {
    if (!statusBox) return;
    clearTimeout(hideTimer);
    statusBox.textContent = text;
    statusBox.dataset.state = state;
    statusBox.hidden = false;
  }

  function reconnecting() {
    paused = true;
    showStatus("Live updates paused — reconnecting…", "reconnecting");
  }

  function retrySoon() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () { if (!socket.connected) socket.connect(); },
      retryDelay + Math.random() * 500);  // jitter: a whole office must not reconnect in step
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  socket.on("connect", function () {
    clearTimeout(retryTimer);
    retryDelay = 1000;
    if (!paused) return;
    paused = false;
    showStatus("Live updates are back.", "live");
    hideTimer = setTimeout(function () { if (statusBox) statusBox.hidden = true; }, 4000);
  });

  socket.on("disconnect", function (reason) {
    if (reason === "io client disconnect") return;  // this page closed it on purpose
    reconnecting();
    if (reason === "io server disconnect") retrySoon();
  });

  socket.on("connect_error", function (err) {
    if (socket.active) { reconnecting(); return; }  // socket.io is retrying by itself
    if (err && err.data && err.data.retry) { reconnecting(); retrySoon(); return; }
    paused = false;  // refused for good (signed out elsewhere, account ended): a reload shows why
    showStatus("Live updates have stopped. Reload the page to see new posts.", "stopped");
  });

  var bar = document.getElementById("new-posts-bar");
  if (bar) bar.addEventListener("click", showNewPosts);
  window.Rollcall = window.Rollcall || {};
  window.Rollcall.socket = socket;
})();
