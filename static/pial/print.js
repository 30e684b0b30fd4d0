// "Imprimer" buttons: shown only when this script runs (the CSP allows no inline handler).
document.querySelectorAll("[data-pial-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
