/* The disclosure form, enhanced. Every page works without this file (the server renders the
 * right questions and keeps everything typed); with it:
 *  - an error summary takes the focus, so a screen reader announces it;
 *  - choosing a category shows its questions and description at once, without a round trip;
 *  - "what the policy says" for the chosen category is loaded from the policies app (same origin).
 * Nothing is written to localStorage or sessionStorage (CP-06).
 */
(function () {
  "use strict";

  function readJson(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  var pending = null;

  // The extracts are long, so the box is not a live region: moving through the categories with the arrow
  // keys would read them out on every step. A short sentence is announced instead, once the user pauses.
  function loadGuidance(url, name, announce) {
    var box = document.getElementById("category-guidance");
    var status = document.getElementById("category-guidance-status");
    if (!box) return;
    if (pending) window.clearTimeout(pending);
    if (!url) { box.hidden = true; box.innerHTML = ""; return; }
    pending = window.setTimeout(function () {
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          // The fragment is server-rendered and escaped by Django templates on our own origin.
          box.innerHTML = html;
          box.hidden = !html;
          if (status && announce && html) {
            status.textContent = "What the policy says" + (name ? " about " + name : "") + " is shown below the list.";
          }
        })
        .catch(function () { box.hidden = true; });
    }, announce ? 400 : 0);
  }

  function radioName(radio) {
    var label = document.querySelector('label[for="' + radio.id + '"] .fw-semibold');
    return label ? label.textContent.trim() : "";
  }

  document.addEventListener("DOMContentLoaded", function () {
    // Step 2: radios of categories.
    var guidanceUrls = readJson("disclosure-guidance-urls");
    if (guidanceUrls) {
      document.querySelectorAll('input[name="category"][type="radio"]').forEach(function (radio) {
        radio.addEventListener("change", function () { loadGuidance(guidanceUrls[radio.value], radioName(radio), true); });
        if (radio.checked) loadGuidance(guidanceUrls[radio.value], radioName(radio), false);
      });
    }

    // Step 3: the category select decides which extra questions show.
    var info = readJson("disclosure-category-info");
    var select = document.getElementById("id_category");
    if (info && select && select.tagName === "SELECT") {
      var apply = function (loadPolicy) {
        var entry = info[select.value] || { section: "", description: "", guidance: "" };
        document.querySelectorAll(".detail-section").forEach(function (section) {
          section.hidden = section.getAttribute("data-section") !== entry.section;
        });
        var confidential = document.getElementById("confidential-choice");
        if (confidential) confidential.hidden = !entry.confidential;
        var description = document.getElementById("category-description");
        if (description) description.textContent = entry.description;
        if (loadPolicy) loadGuidance(entry.guidance, "", false);
      };
      select.addEventListener("change", function () { apply(true); });
      apply(true);
    }
  });
})();
