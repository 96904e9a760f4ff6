// Data entry: Enter moves to the next figure (and saves the one left, through its change event).
document.addEventListener("keydown", function (event) {
  var el = event.target;
  if (event.key !== "Enter" || !el.classList || !el.classList.contains("rp-value")) return;
  event.preventDefault();
  var fields = Array.prototype.slice.call(document.querySelectorAll(".rp-value:not([readonly]):not([disabled])"));
  var i = fields.indexOf(el);
  var next = fields[event.shiftKey ? i - 1 : i + 1];
  if (next) { next.focus(); if (next.select) next.select(); }
  else { el.blur(); el.focus(); }
});
// Mark a row while its message shows an error or a warning.
document.addEventListener("htmx:afterSwap", function (event) {
  var cell = event.target;
  if (!cell.classList || !cell.classList.contains("field-msg")) return;
  var row = cell.closest("tr");
  row.classList.toggle("has-error", !!cell.querySelector(".bad"));
  row.classList.toggle("has-warning", !!cell.querySelector(".warn"));
  var input = row.querySelector(".rp-value");
  if (input) input.setAttribute("aria-invalid", cell.querySelector(".bad") ? "true" : "false");
});
// A failed autosave says so beside the field instead of failing silently (or showing the login page).
function rpFail(event, key) {
  var form = document.getElementById("entry-form");
  var target = event.detail.target;
  if (!form || !target || !target.classList.contains("field-msg")) return;
  var span = document.createElement("span");
  span.className = "bad";
  span.setAttribute("role", "alert");
  span.textContent = form.getAttribute(key);
  target.replaceChildren(span);
  target.closest("tr").classList.add("has-error");
}
document.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  if (xhr && xhr.responseURL && xhr.responseURL.indexOf("/accounts/login") !== -1) {
    event.detail.shouldSwap = false;
    rpFail(event, "data-msg-session");
  } else if (xhr && xhr.status >= 400) {
    event.detail.shouldSwap = false;
    rpFail(event, "data-msg-failed");
  }
});
document.addEventListener("htmx:sendError", function (event) { rpFail(event, "data-msg-offline"); });
