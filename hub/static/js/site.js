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
