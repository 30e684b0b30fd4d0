// The Django admin's widgets, made readable by a screen reader and a keyboard (axe findings):
// - the filter's search icon carries an aria-label without a role (aria-prohibited-attr);
// - select2's combobox has no accessible name (aria-input-field-name): it takes its field's label;
// - the inline tables scroll sideways but cannot be reached with the keyboard
//   (scrollable-region-focusable): each becomes a named, focusable region.
(function () {
  "use strict";
  function fix(root) {
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    root.querySelectorAll(".select2-selection[role=combobox]:not([aria-label])").forEach(function (box) {
      var container = box.closest(".select2");
      var select = container && container.previousElementSibling;
      var label = select && select.id ? document.querySelector("label[for='" + select.id + "']") : null;
      var name = label ? label.textContent.replace(/\s*:\s*$/, "").trim() : (select && select.name) || "Choix";
      box.setAttribute("aria-label", name);
    });
    // The inline tables' fields are named by their column's header (a th, not a label).
    root.querySelectorAll(".inline-group .tabular td[class*='field-']").forEach(function (cell) {
      var key = Array.from(cell.classList).find(function (c) { return c.indexOf("field-") === 0; });
      var head = key && cell.closest("table").querySelector("thead th.column-" + key.slice(6));
      if (!head) return;
      var name = head.textContent.replace(/\s+/g, " ").trim();
      cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (field) {
        if (!field.hasAttribute("aria-label") && !(field.labels && field.labels.length)) {
          field.setAttribute("aria-label", name);
        }
      });
    });
    root.querySelectorAll(".inline-group .tabular").forEach(function (region) {
      if (!region.hasAttribute("tabindex")) {
        region.tabIndex = 0;
        region.setAttribute("role", "region");
        var title = region.querySelector("h2");
        region.setAttribute("aria-label", title ? title.textContent.trim() : "Tableau");
      }
    });
  }
  function run() {
    fix(document);
    new MutationObserver(function () { fix(document); }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
