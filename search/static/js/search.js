/*
 * Search field suggestions: the ARIA 1.2 combobox pattern with a listbox popup.
 *
 * Without this script the search form works as a plain GET form. With it, typing asks the
 * suggestions endpoint (debounced); arrow keys move through the options, Enter opens the
 * chosen one, Escape closes the list. The number of suggestions is announced politely.
 */
(function () {
  "use strict";

  var input = document.getElementById("id_q");
  var list = document.getElementById("search-suggestions");
  var status = document.getElementById("search-suggestions-status");
  var textsElement = document.getElementById("search-texts");
  if (!input || !list || !status || !textsElement || !window.fetch) {
    return;
  }
  var texts = JSON.parse(textsElement.textContent);
  var url = input.dataset.suggestionsUrl;
  var options = [];
  var active = -1;
  var timer = null;
  var lastQuery = "";
  var controller = null;

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function setActive(index) {
    options.forEach(function (option, position) {
      option.setAttribute("aria-selected", position === index ? "true" : "false");
    });
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(suggestions) {
    list.textContent = "";
    options = suggestions.map(function (suggestion, index) {
      var option = document.createElement("li");
      option.id = "search-suggestion-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.url = suggestion.url;
      var label = document.createElement("span");
      label.textContent = suggestion.label;
      option.appendChild(label);
      var kind = document.createElement("span");
      kind.className = "search-suggestions__kind";
      kind.textContent = texts.kinds[suggestion.kind] || "";
      option.appendChild(kind);
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();
        window.location.assign(suggestion.url);
      });
      list.appendChild(option);
      return option;
    });
    active = -1;
    if (options.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = texts.available.replace("%(count)s", options.length);
    } else {
      close();
      status.textContent = "";
    }
  }

  function fetchSuggestions() {
    var query = input.value.trim();
    if (query === lastQuery) {
      return;
    }
    lastQuery = query;
    if (query.length < 2) {
      render([]);
      return;
    }
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    fetch(url + "?q=" + encodeURIComponent(query), {
      headers: { Accept: "application/json" },
      signal: controller.signal,
    })
      .then(function (response) {
        return response.ok ? response.json() : { suggestions: [] };
      })
      .then(function (data) {
        render(data.suggestions || []);
      })
      .catch(function () {});
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(fetchSuggestions, 200);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      if (list.hidden) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
      setActive((active + 1) % options.length);
    } else if (event.key === "ArrowUp" && options.length) {
      event.preventDefault();
      setActive(active <= 0 ? options.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
      event.preventDefault();
      window.location.assign(options[active].dataset.url);
    } else if (event.key === "Escape" && !list.hidden) {
      // Close the list only; a second Escape clears the field as browsers do.
      event.preventDefault();
      close();
    }
  });

  input.addEventListener("blur", close);
})();
