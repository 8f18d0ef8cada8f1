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

  function loadGuidance(url) {
    var box = document.getElementById("category-guidance");
    if (!box) return;
    if (!url) { box.hidden = true; box.innerHTML = ""; return; }
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        // The fragment is server-rendered and escaped by Django templates on our own origin.
        box.innerHTML = html;
        box.hidden = !html;
      })
      .catch(function () { box.hidden = true; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();

    // Step 2: radios of categories.
    var guidanceUrls = readJson("disclosure-guidance-urls");
    if (guidanceUrls) {
      document.querySelectorAll('input[name="category"][type="radio"]').forEach(function (radio) {
        radio.addEventListener("change", function () { loadGuidance(guidanceUrls[radio.value]); });
        if (radio.checked) loadGuidance(guidanceUrls[radio.value]);
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
        var description = document.getElementById("category-description");
        if (description) description.textContent = entry.description;
        if (loadPolicy) loadGuidance(entry.guidance);
      };
      select.addEventListener("change", function () { apply(true); });
      apply(true);
    }
  });
})();
