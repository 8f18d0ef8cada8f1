/* The Django admin, to WCAG 2.2 AA (docs/accessibility.md). Fixes what its own widgets leave out:
 *  - select2 autocompletes get the name of the field they replace (4.1.2);
 *  - the filter-horizontal search icons are images with a name, not spans with aria attributes;
 *  - a region that scrolls sideways without anything focusable in it can be reached by keyboard (2.1.1).
 */
(function () {
  "use strict";

  function labelFor(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : select.name;
  }

  function fix() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      if (!container) return;
      var name = labelFor(select);
      container.querySelectorAll('.select2-selection[role="combobox"], [role="textbox"]').forEach(function (node) {
        node.setAttribute("aria-label", name);
        node.removeAttribute("aria-labelledby");
      });
    });
    document.querySelectorAll(".help-tooltip.search-label-icon").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    document.querySelectorAll(".inline-group, .results, .module").forEach(function (region) {
      if (region.scrollWidth <= region.clientWidth || region.hasAttribute("tabindex")) return;
      var heading = region.querySelector("h2, caption");
      region.setAttribute("tabindex", "0");
      region.setAttribute("role", "region");
      region.setAttribute("aria-label", (heading ? heading.textContent.trim() : "Table") + " (scrolls sideways)");
    });
  }

  window.addEventListener("load", function () {
    fix();
    document.addEventListener("formset:added", fix);
    window.addEventListener("resize", fix);
    new MutationObserver(function () { fix(); }).observe(document.body, { childList: true, subtree: true });
  });
})();
