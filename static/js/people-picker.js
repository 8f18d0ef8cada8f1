/* People pickers (docs/accessibility.md "Pickers"). Enhances every <select data-picker="people"> with
 * alphagov's accessible-autocomplete (static/vendor/accessible-autocomplete, pinned):
 *  - one person: the select becomes a combobox; type part of a name, choose with arrows and Enter or a tap;
 *  - several people: a combobox to add one at a time; each one chosen becomes a chip with a "Remove" button,
 *    and a polite live region says what was added or removed.
 * The select stays in the form and carries the choice, so the server sees exactly what it would without
 * JavaScript. Only the people the server listed can be chosen (the options, in the server's order: the
 * user's own team first). Without this file the select works on its own.
 */
(function () {
  "use strict";

  function text(option) { return option.textContent.trim(); }

  function describedBy(select) {
    return (select.getAttribute("aria-describedby") || "")
      .split(/\s+/)
      .filter(function (id) { return id && id !== select.id + "_nojs"; })
      .join(" ");
  }

  function keepDescription(input, select) {
    var ours = describedBy(select);
    if (!input || !ours) return;
    var current = input.getAttribute("aria-describedby") || "";
    if (current.indexOf(ours) === -1) input.setAttribute("aria-describedby", (current + " " + ours).trim());
  }

  function single(select) {
    var id = select.id;
    // The "---------" choice becomes an empty input, not a suggestion; a person already chosen (the
    // reviewer as the usual action owner) shows in the input.
    Array.prototype.forEach.call(select.options, function (o) { if (!o.value) o.textContent = ""; });
    var chosen = select.options[select.selectedIndex];
    window.accessibleAutocomplete.enhanceSelectElement({
      selectElement: select,
      defaultValue: chosen && chosen.value ? text(chosen) : "",
      showAllValues: true,
      confirmOnBlur: false,
      dropdownArrow: function () { return ""; },
      tNoResults: function () { return "No one found"; },
      tAssistiveHint: function () {
        return "Type part of a name. Use up and down arrows to review the people found and enter to choose one.";
      }
    });
    var input = document.getElementById(id);
    if (!input) return;
    input.classList.add("form-control", "form-control-lg");
    if (select.classList.contains("is-invalid")) input.classList.add("is-invalid");
    keepDescription(input, select);
    input.addEventListener("focus", function () { keepDescription(input, select); });
    // Emptying the box un-chooses the person (the library only ever sets a choice).
    input.addEventListener("blur", function () { if (!input.value.trim()) select.value = ""; });
    if (select.form) {
      select.form.addEventListener("submit", function () { if (!input.value.trim()) select.value = ""; });
    }
  }

  function multiple(select) {
    var id = select.id;
    var label = document.querySelector('label[for="' + id + '"]');
    var name = label ? label.textContent.trim() : "People";
    var options = Array.prototype.slice.call(select.options);

    var wrapper = document.createElement("div");
    wrapper.className = "people-picker";
    var chips = document.createElement("ul");
    chips.className = "picker-chips list-unstyled";
    chips.setAttribute("aria-label", "Chosen: " + name);
    var box = document.createElement("div");
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.appendChild(box);
    wrapper.appendChild(chips);
    wrapper.appendChild(status);
    select.parentNode.insertBefore(wrapper, select.nextSibling);
    select.id = id + "-select";
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;

    function chosen() { return options.filter(function (o) { return o.selected; }); }

    function render() {
      chips.innerHTML = "";
      chosen().forEach(function (option) {
        var item = document.createElement("li");
        item.className = "picker-chip";
        var span = document.createElement("span");
        span.textContent = text(option);
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn btn-sm btn-outline-secondary";
        remove.innerHTML = '<span aria-hidden="true">×</span><span class="visually-hidden">Remove ' + "</span>";
        remove.lastChild.textContent = "Remove " + text(option);
        remove.addEventListener("click", function () {
          option.selected = false;
          render();
          status.textContent = text(option) + " removed. " + chosen().length + " chosen.";
          var input = document.getElementById(id);
          if (input) input.focus();
        });
        item.appendChild(span);
        item.appendChild(remove);
        chips.appendChild(item);
      });
      chips.hidden = chosen().length === 0;
    }

    window.accessibleAutocomplete({
      element: box,
      id: id,
      minLength: 1,
      confirmOnBlur: false,
      displayMenu: "inline",
      tNoResults: function () { return "No one found"; },
      tAssistiveHint: function () {
        return "Type part of a name. Use up and down arrows to review the people found and enter to add one.";
      },
      source: function (query, populate) {
        var q = query.toLowerCase();
        populate(options.filter(function (o) { return !o.selected && text(o).toLowerCase().indexOf(q) !== -1; }).map(text));
      },
      onConfirm: function (value) {
        if (!value) return;
        var option = options.filter(function (o) { return text(o) === value; })[0];
        if (!option) return;
        option.selected = true;
        render();
        status.textContent = value + " added. " + chosen().length + " chosen.";
        window.setTimeout(function () {
          var input = document.getElementById(id);
          if (input) { input.value = ""; input.focus(); }
        }, 0);
      }
    });
    var input = document.getElementById(id);
    if (input) {
      input.classList.add("form-control", "form-control-lg");
      if (select.classList.contains("is-invalid")) input.classList.add("is-invalid");
      keepDescription(input, select);
      input.addEventListener("focus", function () { keepDescription(input, select); });
    }
    render();
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.accessibleAutocomplete) return;
    document.querySelectorAll('select[data-picker="people"]').forEach(function (select) {
      var hint = document.getElementById(select.id + "_nojs");
      if (hint) hint.hidden = true;
      if (select.multiple) multiple(select);
      else single(select);
    });
  });
})();
