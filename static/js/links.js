// Rollcall curated links: the share form asks for a preview as the address is pasted (the job
// runner fetches it; this only polls), and "Save for later" updates the card in place.
// Without JavaScript the form still shares and the save buttons still post and come back.
(function () {
  "use strict";

  var POLL_MS = 2000, POLLS = 15;

  function csrfOf(form) {
    var input = form.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  // ---- the share form ---------------------------------------------------------------------------
  function shareForm(form) {
    var input = form.querySelector("[data-preview-url]");
    var status = document.getElementById("preview-status");
    var earlier = document.getElementById("earlier-shares");
    var choice = document.getElementById("duplicate-choice");
    var endpoint = form.getAttribute("data-preview-endpoint");
    if (!input || !status || !endpoint) return;
    var asked = "", timer = null, typed = {};

    ["title", "source", "summary"].forEach(function (name) {
      var el = form.elements[name];
      if (el) el.addEventListener("input", function () { typed[name] = true; });
    });

    function say(text) { status.textContent = text; }

    function fill(name, value) {
      var el = form.elements[name];
      if (el && value && !el.value.trim() && !typed[name]) el.value = value;
    }

    function showEarlier(list) {
      if (!earlier || !choice) return;
      earlier.textContent = "";
      if (!list || !list.length) { earlier.hidden = true; choice.hidden = true; return; }
      var first = list[0];
      var p = document.createElement("p");
      var a = document.createElement("a");
      a.href = first.url;
      a.textContent = first.title;
      p.append("Already curated: ", a, ", shared by " + first.curator + " in " + first.community +
        " on " + first.shared_on + ". You can still share it again: tick the box below.");
      earlier.appendChild(p);
      earlier.hidden = false;
      choice.hidden = false;
    }

    function report(preview, url, polls) {
      if (url !== asked) return;
      if (!preview || preview.status === "pending" || preview.status === "fetching") {
        if (polls >= POLLS) {
          say("The preview is still on its way. You can share now: it will appear on the card when it arrives.");
          return;
        }
        timer = setTimeout(function () { poll(url, polls + 1); }, POLL_MS);
        return;
      }
      if (preview.status === "ready") {
        fill("title", preview.title);
        fill("source", preview.site_name);
        fill("summary", preview.description);
        say(preview.title ? "Preview found: “" + preview.title + "”. Empty fields were filled in; change anything you like."
                          : "The page has no title or description of its own; add them yourself if you like.");
      } else {
        say("No preview: " + (preview.error || "the page couldn't be fetched.") + " You can still share the link.");
      }
    }

    function poll(url, polls) {
      fetch(endpoint + "?url=" + encodeURIComponent(url), { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (body) { report(body.preview, url, polls); })
        .catch(function () { if (url === asked) say("Couldn't check on the preview. You can still share the link."); });
    }

    function ask() {
      var url = input.value.trim();
      if (!/^https?:\/\/\S+$/i.test(url) || url === asked) return;
      asked = url;
      clearTimeout(timer);
      say("Fetching a preview in the background…");
      var body = new FormData();
      body.append("csrf_token", csrfOf(form));
      body.append("url", url);
      fetch(endpoint, { method: "POST", body: body, headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
        .then(function (r) {
          if (r.status === 422) return r.json().then(function (b) { say(b.error.fields.url || b.error.message); return null; });
          return r.ok ? r.json() : Promise.reject(r.status);
        })
        .then(function (result) {
          if (!result || url !== asked) return;
          showEarlier(result.earlier);
          report(result.preview, url, 0);
        })
        .catch(function () { if (url === asked) say("Couldn't ask for a preview. You can still share the link."); });
    }

    input.addEventListener("change", ask);
    input.addEventListener("paste", function () { setTimeout(ask, 0); });
  }

  // ---- save for later ---------------------------------------------------------------------------
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-link-save") || event.defaultPrevented) return;
    var card = form.closest("article.post");
    if (!card) return;
    event.preventDefault();
    var button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    fetch(form.action, { method: "POST", body: new FormData(form), headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok || r.redirected) throw new Error(String(r.status));
        return r.text();
      })
      .then(function (html) {
        var tpl = document.createElement("template");
        tpl.innerHTML = html.trim();
        var fresh = tpl.content.firstElementChild;
        if (!fresh) throw new Error("empty");
        card.replaceWith(fresh);
        if (window.Rollcall && window.Rollcall.refreshTimes) window.Rollcall.refreshTimes(fresh);
        var again = fresh.querySelector("[data-save-button]");
        if (again) again.focus();
      })
      .catch(function () { form.removeAttribute("data-link-save"); form.submit(); });
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-link-form]").forEach(shareForm);
  });
})();
