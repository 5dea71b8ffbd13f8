// Rollcall posts: async composer/reply/reaction forms, a character counter and the @mention picker.
// Without JavaScript every form still posts normally and the server redirects back.
(function () {
  "use strict";

  function insertHTML(html, mode, target) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html.trim();
    var node = tpl.content.firstElementChild;
    if (!node) return null;
    if (node.id && document.getElementById(node.id) && mode !== "card") {
      document.getElementById(node.id).replaceWith(node);
    } else if (mode === "prepend") {
      target.prepend(node);
    } else if (mode === "append") {
      target.append(node);
    } else {
      target.replaceWith(node);
    }
    if (window.Rollcall) window.Rollcall.refreshTimes(node);
    return node;
  }

  function showError(form, message) {
    var error = form.querySelector(".field__error");
    var area = form.querySelector("textarea");
    if (error) { error.textContent = message; error.hidden = false; }
    if (area) { area.setAttribute("aria-invalid", "true"); area.focus(); }
  }

  function clearError(form) {
    var error = form.querySelector(".field__error");
    var area = form.querySelector("textarea");
    if (error) { error.textContent = ""; error.hidden = true; }
    if (area) area.removeAttribute("aria-invalid");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var mode = form.getAttribute && form.getAttribute("data-async");
    if (!mode || event.defaultPrevented) return;
    event.preventDefault();
    var button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    fetch(form.action, { method: "POST", body: new FormData(form), headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (response.status === 422) {
          return response.json().then(function (body) {
            if (body.html) { replaceForm(form, body.html); return; }
            var fields = body.error.fields || {};
            showError(form, fields.body || fields.community_id || fields.objective_id || fields.kind || body.error.message);
          });
        }
        if (!response.ok) throw new Error(String(response.status));
        return response.text().then(function (html) {
          clearError(form);
          var target;
          if (mode === "card") target = form.closest("article.post");
          else if (mode === "prepend") target = document.querySelector("[data-feed-items]");
          else target = document.querySelector(form.getAttribute("data-target"));
          if (!target) { window.location.reload(); return; }
          var node = insertHTML(html, mode, target);
          if (mode !== "card") {
            var area = form.querySelector("textarea");
            if (area) { area.value = ""; area.dispatchEvent(new Event("input")); }
            resetExtras(form);
            var empty = document.querySelector("[data-no-replies], #feed > .empty");
            if (empty) empty.remove();
            if (node) node.classList.add("is-new");
          } else if (node) {
            var pressed = node.querySelector(".reaction--mine") || node.querySelector(".reaction");
            if (pressed) pressed.focus();
          }
        });
      })
      .catch(function () { form.removeAttribute("data-async"); form.submit(); })
      .finally(function () { if (button) button.disabled = false; });
  });

  // A refused composer comes back drawn by the server (the sensitive-content warning, files kept,
  // the image descriptions asked for): put it in place of the old one and enhance it again.
  function replaceForm(form, html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html.trim();
    var fresh = tpl.content.firstElementChild;
    if (!fresh) return;
    form.replaceWith(fresh);
    enhance(fresh);
    var warning = fresh.querySelector("[data-sensitive-warning]");
    var invalid = fresh.querySelector("[aria-invalid=true]");
    var focus = invalid || fresh.querySelector("textarea");
    if (focus) focus.focus();
    if (warning) warning.scrollIntoView({ block: "nearest" });
  }

  // After a post or reply is published: no files, markings or warnings carry over to the next one.
  function resetExtras(form) {
    form.querySelectorAll("[data-staged], [data-sensitive-warning]").forEach(function (node) { node.remove(); });
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      input.value = "";
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    var marking = form.querySelector("select[name=marking]");
    if (marking) marking.value = "";
    var error = form.querySelector(".attach .field__error");
    if (error) { error.textContent = ""; error.hidden = true; }
  }

  // Character counter: <textarea data-counter="id-of-output" maxlength="5000">.
  function updateCounter(area) {
    var out = document.getElementById(area.getAttribute("data-counter"));
    var max = parseInt(area.getAttribute("maxlength"), 10);
    if (!out || !max) return;
    var left = max - area.value.length;
    out.textContent = left < 500 ? left.toLocaleString("en-GB") + " characters left" : "";
    out.classList.toggle("counter--low", left < 100);
  }

  // @mention picker: a listbox under the textarea, keyboard navigable.
  function mentionPicker(area) {
    var list = document.createElement("ul");
    list.className = "mention-list";
    list.id = area.id + "-mentions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    area.insertAdjacentElement("afterend", list);
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", list.id);
    var timer = null, active = -1, people = [], start = -1;

    function close() {
      list.hidden = true; list.innerHTML = ""; active = -1; people = [];
      area.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (items[index]) area.setAttribute("aria-activedescendant", items[index].id);
    }
    function choose(index) {
      var person = people[index];
      if (!person) return;
      var caret = area.selectionStart;
      area.value = area.value.slice(0, start) + "@" + person.handle + " " + area.value.slice(caret);
      var pos = start + person.handle.length + 2;
      area.setSelectionRange(pos, pos);
      close();
      area.focus();
    }
    function render() {
      list.innerHTML = "";
      people.forEach(function (p, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        var name = document.createElement("strong");
        name.textContent = p.name;
        var meta = document.createElement("span");
        meta.className = "muted";
        meta.textContent = " @" + p.handle + (p.job_title ? " · " + p.job_title : "");
        li.append(name, meta);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.append(li);
      });
      list.hidden = people.length === 0;
      if (people.length) highlight(0);
    }
    area.addEventListener("input", function () {
      var before = area.value.slice(0, area.selectionStart);
      var match = /(^|[\s(])@([\w.-]{1,30})$/.exec(before);
      if (!match) { close(); return; }
      start = before.length - match[2].length - 1;
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch("/mentions/suggest?q=" + encodeURIComponent(match[2]), { headers: { "X-Requested-With": "fetch" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (data) { people = data; render(); })
          .catch(close);
      }, 150);
    });
    area.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight((active + 1) % people.length); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight((active - 1 + people.length) % people.length); }
      else if (e.key === "Enter" || e.key === "Tab") { e.preventDefault(); choose(active); }
      else if (e.key === "Escape") { e.preventDefault(); close(); }
    });
    area.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function enhance(root) {
    root.querySelectorAll("textarea[data-counter]").forEach(function (area) {
      area.addEventListener("input", function () { updateCounter(area); });
      updateCounter(area);
    });
    root.querySelectorAll("textarea[data-mentions]").forEach(mentionPicker);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
})();
