/* The live duplicate check beside the initiative form.
 *
 * When the page has a #initiative-form and a #duplicate-candidates panel, every change to the
 * form (debounced) posts the draft's fields to the duplicate check, and the panel shows the
 * answer. Decisions the user records are kept in the form as hidden "draft_decisions" inputs, so
 * that they are sent again with each check and linked to the initiative when it is saved.
 * The check's address comes from the panel's data-check-url, else from the page's language.
 */
(function () {
  "use strict";

  var DELAY = 400;
  var form = document.getElementById("initiative-form");
  var panel = document.getElementById("duplicate-candidates");
  if (!form || !panel || !window.htmx) {
    return;
  }
  var language = document.documentElement.getAttribute("lang") || "fr";
  var url = panel.getAttribute("data-check-url") || "/" + language + "/initiatives/duplicates/check/";
  var timer = null;
  var lastSent = null;

  function fingerprint() {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") {
        parts.push(name + "=" + value);
      }
    });
    return parts.join("&");
  }

  function check() {
    var current = fingerprint();
    if (current === lastSent) {
      return;
    }
    lastSent = current;
    window.htmx.ajax("POST", url, { source: form, target: panel, swap: "innerHTML" });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, DELAY);
  }

  function keepDecisions() {
    panel.querySelectorAll("[data-draft-decision]").forEach(function (element) {
      var id = element.getAttribute("data-draft-decision");
      var selector = 'input[name="draft_decisions"][value="' + id + '"]';
      if (!form.querySelector(selector)) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "draft_decisions";
        input.value = id;
        form.appendChild(input);
      }
    });
  }

  // On phones the panel is below the form: a notice above the Save button points to it.
  function announce() {
    var alert = document.getElementById("duplicate-alert");
    if (alert) {
      alert.hidden = !panel.querySelector(".duplicate-candidate");
    }
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  document.body.addEventListener("htmx:afterSettle", keepDecisions);
  document.body.addEventListener("htmx:afterSettle", announce);
  panel.setAttribute("aria-live", "polite");
  if (form.elements.title && form.elements.title.value) {
    schedule();
  }
})();
