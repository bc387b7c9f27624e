/*
 * "Gibt es das schon?" on a submit form: while the title and summary are typed, ask the
 * similar-solutions endpoint (debounced) and show its HTML fragment in the polite live region.
 *
 * Without this script the region stays empty and the form submits as before. The fragment comes
 * from the server's template (one renderer); an unchanged answer is not inserted again, so screen
 * readers announce only what is new.
 */
(function () {
  "use strict";

  var region = document.getElementById("similar-live");
  var title = document.getElementById("id_title");
  if (!region || !title || !window.fetch || !window.URLSearchParams) {
    return;
  }
  // A question is looked up by its title alone: its text is often longer than a summary.
  var summary = region.dataset.summaryField
    ? document.getElementById(region.dataset.summaryField)
    : null;
  // Fewer letters than this say too little to look for anything similar (as the server).
  var MIN_LETTERS = 5;
  var timer = null;
  var controller = null;
  var lastQuery = null;
  var shown = "";

  function show(html) {
    if (html.trim() === shown.trim()) {
      return;
    }
    shown = html;
    region.innerHTML = html;
  }

  function letters(text) {
    return (text.match(/\p{L}/gu) || []).length;
  }

  function ask() {
    var titleText = title.value.trim();
    var summaryText = summary ? summary.value.trim() : "";
    if (letters(titleText + summaryText) < MIN_LETTERS) {
      lastQuery = null;
      show("");
      return;
    }
    var params = new URLSearchParams();
    params.append("titel", titleText);
    params.append("zusammenfassung", summaryText);
    region.dataset.kinds.split(" ").forEach(function (kind) {
      if (kind) {
        params.append("art", kind);
      }
    });
    if (region.dataset.exclude) {
      params.append("ohne", region.dataset.exclude);
    }
    if (region.dataset.purpose) {
      params.append("zweck", region.dataset.purpose);
    }
    var query = params.toString();
    if (query === lastQuery) {
      return;
    }
    lastQuery = query;
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    fetch(region.dataset.url + "?" + query, {
      headers: { Accept: "text/html" },
      signal: controller.signal,
    })
      .then(function (response) {
        // Errors come as a German message from the same template; anything else shows nothing.
        return response.ok || response.status === 400 || response.status === 429
          ? response.text()
          : "";
      })
      .then(show)
      .catch(function () {});
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 500);
  }

  title.addEventListener("input", schedule);
  if (summary) {
    summary.addEventListener("input", schedule);
  }
  // A form shown again with errors already holds a title and summary.
  ask();
})();
