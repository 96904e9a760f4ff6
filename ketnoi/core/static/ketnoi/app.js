// Small behaviours of the shell; everything else is server-rendered with htmx.
document.addEventListener("click", function (event) {
  var toggle = event.target.closest("[data-toggle-nav]");
  if (toggle) {
    var nav = document.getElementById("mainnav");
    if (nav) {
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
  }
  var confirmEl = event.target.closest("[data-confirm]");
  if (confirmEl && !window.confirm(confirmEl.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// The unit picker (ketnoi/units/picker.py): a select of units in tree order becomes a searchable tree.
// Each option carries data-fold (name, other names, code and parent, folded on the server by
// lib/vn_text.fold), data-parent and data-dissolved; only the typed query is folded here.
(function () {
  function foldQuery(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }
  function enhance(select) {
    if (select.dataset.pickerReady) { return; }
    select.dataset.pickerReady = "1";
    var texts = document.body.dataset;
    var box = document.createElement("div");
    box.className = "unit-picker";
    select.parentNode.insertBefore(box, select);
    var search = document.createElement("input");
    search.type = "search";
    search.className = "unit-picker-search";
    search.placeholder = texts.unitSearch || "";
    search.setAttribute("aria-label", texts.unitSearch || "");
    box.appendChild(search);
    var options = Array.prototype.slice.call(select.options);
    var labels = options.map(function (o) { return o.textContent; });
    var showDissolved = null;
    if (options.some(function (o) { return o.dataset.dissolved; })) {
      var label = document.createElement("label");
      label.className = "unit-picker-dissolved";
      showDissolved = document.createElement("input");
      showDissolved.type = "checkbox";
      label.appendChild(showDissolved);
      label.appendChild(document.createTextNode(" " + (texts.unitDissolved || "")));
      box.appendChild(label);
      showDissolved.addEventListener("change", apply);
    }
    box.appendChild(select);
    var listSize = select.getAttribute("size");
    function apply() {
      var words = foldQuery(search.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      options.forEach(function (o, i) {
        var fold = o.dataset.fold;
        if (fold === undefined) { o.hidden = words.length > 0; return; }
        var visible = words.every(function (w) { return fold.indexOf(w) !== -1; });
        if (o.dataset.dissolved && !(showDissolved && showDissolved.checked)) { visible = false; }
        if (o.selected) { visible = true; }
        o.hidden = !visible;
        if (visible) { shown += 1; }
        o.textContent = words.length && o.dataset.parent
          ? o.dataset.name + " · " + o.dataset.parent : labels[i];
      });
      if (!select.multiple) {
        if (words.length) { select.setAttribute("size", String(Math.max(2, Math.min(8, shown)))); }
        else if (listSize) { select.setAttribute("size", listSize); } else { select.removeAttribute("size"); }
      }
    }
    search.addEventListener("input", apply);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
    apply();
  }
  function enhanceAll(root) {
    Array.prototype.forEach.call(root.querySelectorAll("select[data-unit-picker]"), enhance);
  }
  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.target); });
})();
