// Share kit page: copy the caption; count a share press for the unit, then open Facebook's share dialog.
document.addEventListener("click", (event) => {
  const copy = event.target.closest("[data-copy]");
  if (copy) {
    const text = document.querySelector(copy.dataset.copy).innerText;
    navigator.clipboard && navigator.clipboard.writeText(text);
  }
});
document.addEventListener("submit", (event) => {
  const form = event.target.closest("[data-share]");
  if (!form) return;
  event.preventDefault();
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  fetch(form.action, { method: "POST", headers: { "X-CSRFToken": token }, credentials: "same-origin" });
  const target = "https://www.facebook.com/sharer/sharer.php?u=" + encodeURIComponent(form.dataset.link);
  window.open(target, "_blank", "noopener");
});
