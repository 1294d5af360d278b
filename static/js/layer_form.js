/* The layer settings form (gis_layers/layer_form.html): style fields that apply to the chosen
   geometry only (a point has no line width or fill), and "Add a field", which adds a row to the
   fields table from the formset's empty form. Without JavaScript every field shows and a save
   gives a new empty row. */
(function () {
  "use strict";

  function geometrySelect() { return document.getElementById("id_geometry_type"); }

  function showStyleFields() {
    var select = geometrySelect();
    if (!select) return;
    var kind = select.value;
    document.querySelectorAll("[data-geometry]").forEach(function (input) {
      var field = input.closest(".field");
      if (!field) return;
      var applies = !kind || input.getAttribute("data-geometry").split(" ").indexOf(kind) !== -1;
      field.hidden = !applies;
    });
  }

  function addFieldRow() {
    var template = document.getElementById("field-row-template");
    var total = document.getElementById("id_fields-TOTAL_FORMS");
    var body = document.querySelector(".fields-table tbody");
    if (!template || !total || !body) return;
    var index = parseInt(total.value, 10) || 0;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var first = body.lastElementChild.querySelector("input:not([type=hidden])");
    if (first) first.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var select = geometrySelect();
    if (select) select.addEventListener("change", showStyleFields);
    showStyleFields();
    var add = document.getElementById("add-field-row");
    if (add) {
      add.hidden = false;
      add.addEventListener("click", addFieldRow);
    }
  });
})();
