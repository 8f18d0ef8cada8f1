/* Behaviour every page shares (docs/accessibility.md). Every page works without it.
 *  - An error summary takes the focus when the page loads, so a screen reader reads it first and a
 *    keyboard user starts from it; its links move to the field they name.
 *  - Sections marked data-collapse-below="768" (the case page's "On this page", the policy contents,
 *    the queue's filters) start closed on a phone: <details> elements lose their open attribute.
 */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) {
      // The summary lists the problems in the order the fields appear on the page.
      var list = summary.querySelector("ul");
      if (list) {
        var items = Array.prototype.slice.call(list.children);
        var target = function (li) {
          var a = li.querySelector("a");
          return a ? document.getElementById(a.getAttribute("href").slice(1)) : null;
        };
        items.sort(function (x, y) {
          var a = target(x), b = target(y);
          if (!a || !b || a === b) return 0;
          return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
        });
        items.forEach(function (li) { list.appendChild(li); });
      }
      summary.focus();
      summary.addEventListener("click", function (event) {
        var link = event.target.closest("a[href^='#']");
        if (!link) return;
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (!target) return;
        event.preventDefault();
        target.focus();
        var holder = target.closest("fieldset") || target.closest(".mb-4") || target;
        holder.scrollIntoView({ block: "start" });
      });
    }

    document.querySelectorAll("details[data-collapse-below]").forEach(function (details) {
      var below = parseInt(details.getAttribute("data-collapse-below"), 10);
      if (window.matchMedia("(max-width: " + (below - 0.02) + "px)").matches) details.open = false;
    });
  });
})();
