/*
 * The menu button on phones (disclosure pattern): it shows and hides the navigation and the
 * member's area. CSS shows the button only under 768 px and only when scripting is enabled, so
 * without JavaScript the menu is simply open.
 */
(function () {
  "use strict";

  function setOpen(button, menu, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("site-menu--open", open);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-menu-button]");
    if (!button) {
      return;
    }
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    button.addEventListener("click", function () {
      setOpen(button, menu, button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(button, menu, false);
        button.focus();
      }
    });
  });
})();

/*
 * On/off buttons ("Folgen", "Merken", "Hilfreich"; core/toggles.py): the form posts the wanted
 * state. With script it goes by fetch and the button changes in place; a failed request falls
 * back to the plain form post.
 */
(function () {
  "use strict";

  document.addEventListener("submit", function (submitEvent) {
    var form = submitEvent.target;
    if (!form.hasAttribute || !form.hasAttribute("data-toggle")) {
      return;
    }
    submitEvent.preventDefault();
    var button = form.querySelector("button[aria-pressed]");
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    }).then(function (answer) {
      button.disabled = false;
      button.setAttribute("aria-pressed", answer.pressed ? "true" : "false");
      form.querySelector("[data-toggle-state]").value = answer.pressed ? "nein" : "ja";
      var count = form.querySelector("[data-toggle-count]");
      if (count && answer.count_text !== null) {
        count.textContent = answer.count_text;
      }
      button.focus();
    }).catch(function () {
      form.submit();
    });
  });
})();
