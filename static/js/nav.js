/* The site menu on phones: folded behind the "Menu" button (aria-expanded says which); without
   this script the button stays hidden and the menu open. The staff "Work" menu is a <details>
   that works on its own; this only closes it on Escape or a click elsewhere. */
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
  var work = document.querySelector(".work-menu");
  if (!work) return;
  document.addEventListener("click", function (e) {
    if (work.open && !work.contains(e.target)) work.open = false;
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && work.open) {
      work.open = false;
      work.querySelector("summary").focus();
    }
  });
})();
