/* The site menu on phones: folded behind the "Menu" button (aria-expanded says which); without
   this script the button stays hidden and the menu open. */
(function () {
  "use strict";
  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (toggle && nav) {
    document.documentElement.classList.add("nav-folds");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("open", open);
    });
  }
  // The drop-down menus (staff "Work", the account) are <details>: they work on their own; this
  // only closes an open one on Escape or a click elsewhere.
  var menus = Array.prototype.slice.call(document.querySelectorAll(".work-menu"));
  if (!menus.length) return;
  document.addEventListener("click", function (e) {
    menus.forEach(function (menu) { if (menu.open && !menu.contains(e.target)) menu.open = false; });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    menus.forEach(function (menu) {
      if (!menu.open) return;
      menu.open = false;
      menu.querySelector("summary").focus();
    });
  });
})();
