// Rollcall moderation: choosing an explanation template fills in the decision form, with the author's
// first name and the chosen clause, ready to edit. Without JavaScript, "Use this template" does the same
// by reloading the page.
(function () {
  "use strict";

  var picker = document.getElementById("f-template");
  var form = document.getElementById("decision-form");
  var text = document.getElementById("f-explanation");
  var clause = document.getElementById("f-clause");
  var templateId = document.getElementById("f-template_id");
  if (!picker || !form || !text) return;

  var lastFilled = "";

  function clauseLabel() {
    var option = clause && clause.options[clause.selectedIndex];
    return option && option.value ? option.getAttribute("data-reference") : "of the policy";
  }

  function fill(body) {
    return body.split("{name}").join(form.getAttribute("data-author-name") || "")
      .split("{clause}").join(clauseLabel());
  }

  function useTemplate() {
    var option = picker.options[picker.selectedIndex];
    if (!option || !option.value) return;
    // Never throw away what the moderator has typed themselves.
    if (text.value.trim() && text.value !== lastFilled &&
        !window.confirm("Replace the explanation you've written with this template?")) return;
    text.value = lastFilled = fill(option.getAttribute("data-body") || "");
    if (templateId) templateId.value = option.value;
    var intent = option.getAttribute("data-intent");
    var radio = intent && form.querySelector('input[name="intent"][value="' + intent + '"]');
    if (radio) radio.checked = true;
    text.focus();
  }

  picker.addEventListener("change", useTemplate);
  // Picked while the page was still loading (a slow connection or machine): this script runs after
  // the form is usable, so apply the choice now, as long as nothing has been written yet.
  if (picker.value && !text.value.trim()) useTemplate();

  // The picker's own submit button is for browsers without JavaScript.
  var fallback = picker.form && picker.form.querySelector("button[type=submit]");
  if (fallback) fallback.hidden = true;
})();
