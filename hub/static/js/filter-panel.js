/*
 * Filter panels (search facets, catalogue and directory filters): a <details> rendered open,
 * so without scripting the filters are always there. With scripting the panel starts closed
 * on phones, behind its "Filter (n)" summary, and is open on wide screens, where the summary
 * is hidden by the stylesheet and the filters can never be folded away.
 */
(function () {
  "use strict";

  var panels = document.querySelectorAll("details[data-filter-panel]");
  if (!panels.length || !window.matchMedia) {
    return;
  }
  var wide = window.matchMedia("(min-width: 48em)");

  function fit() {
    panels.forEach(function (panel) {
      panel.open = wide.matches;
      // From here on the <details> itself folds the filters (see site.css).
      panel.setAttribute("data-ready", "");
    });
  }

  fit();
  wide.addEventListener("change", fit);
})();
