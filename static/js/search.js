// Rollcall header search: suggestions of people and communities as you type (ARIA combobox with a
// listbox popup). Debounced; arrows move through the options, Enter opens one (or searches when
// none is chosen), Escape closes. Without JavaScript the box is a plain search form.
(function () {
  "use strict";

  var DEBOUNCE_MS = 200;

  function combobox(input) {
    var form = input.form;
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var status = form.querySelector("[data-search-status]");
    var timer = null, controller = null, options = [], active = -1, lastTyped = "";

    function setExpanded(open) {
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
    }
    function close() {
      setExpanded(false);
      active = -1;
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      active = index;
      options.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function option(id, label, detail, kind, url) {
      var li = document.createElement("li");
      li.id = list.id + "-" + id;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-url", url);
      li.className = "site-search__option";
      var name = document.createElement("span");
      name.className = "site-search__name";
      name.textContent = label;
      var meta = document.createElement("span");
      meta.className = "site-search__detail";
      meta.textContent = kind + (detail ? " · " + detail : "");
      li.append(name, meta);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); go(li); });
      return li;
    }
    function go(li) {
      window.location.assign(li.getAttribute("data-url"));
    }
    function render(data, typed) {
      list.innerHTML = "";
      options = [];
      data.people.forEach(function (p) {
        options.push(option("p" + p.id, p.name, "@" + p.handle + (p.job_title ? " · " + p.job_title : ""), "Person", p.url));
      });
      data.communities.forEach(function (c) {
        var kind = c.visibility === "public" ? "Community" : (c.visibility === "private" ? "Private community" : "Secret community");
        options.push(option("c" + c.id, c.name, "", kind, c.url));
      });
      var all = option("all", "Search for “" + typed + "”", "", "All results", form.action + "?q=" + encodeURIComponent(typed));
      all.classList.add("site-search__option--all");
      options.push(all);
      options.forEach(function (li) { list.append(li); });
      var found = data.people.length + data.communities.length;
      status.textContent = found ? found + (found === 1 ? " suggestion" : " suggestions") + ". Use the arrow keys to choose." : "No people or communities match. Press Enter to search everything.";
      active = -1;
      setExpanded(true);
    }
    function fetchSuggestions() {
      var typed = input.value.trim();
      if (typed === lastTyped && !list.hidden) return;
      lastTyped = typed;
      if (!typed) { close(); status.textContent = ""; return; }
      if (controller) controller.abort();
      controller = new AbortController();
      fetch(input.getAttribute("data-search-suggest") + "?q=" + encodeURIComponent(typed), {
        headers: { "X-Requested-With": "fetch", "Accept": "application/json" },
        signal: controller.signal
      })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (data) { if (input.value.trim() === typed) render(data, typed); })
        .catch(function () { /* keep typing: Enter still searches */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DEBOUNCE_MS);
    });
    input.addEventListener("keydown", function (e) {
      var open = !list.hidden && options.length;
      if (e.key === "ArrowDown") {
        e.preventDefault();
        if (!open) { lastTyped = ""; fetchSuggestions(); return; }
        highlight((active + 1) % options.length);
      } else if (e.key === "ArrowUp") {
        if (!open) return;
        e.preventDefault();
        highlight(active <= 0 ? options.length - 1 : active - 1);
      } else if (e.key === "Enter") {
        if (open && active >= 0) { e.preventDefault(); go(options[active]); }
      } else if (e.key === "Escape") {
        if (open) { e.preventDefault(); e.stopPropagation(); close(); }
        else if (input.value) { e.preventDefault(); input.value = ""; }
      } else if (e.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    // Typed into while the page was still loading (this script is deferred): suggest for it now.
    if (document.activeElement === input && input.value.trim()) fetchSuggestions();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[role=combobox][data-search-suggest]").forEach(combobox);
  });
})();
