// The contract form: proposes the contractual quotité as the person types the weekly hours,
// the weeks and the annual base (heures × semaines ÷ base, rounded as aesh.rules does). The
// proposal is written under the field (announced politely) and shown in the empty field; left
// empty, the server computes the same value and says how once saved. Without this script the
// form works as it is.
(function () {
  var quotite = document.querySelector("input[name=contractual_quotite][data-quotite-rounding]");
  if (!quotite) { return; }
  var form = quotite.form;
  var hours = form.elements.weekly_hours, weeks = form.elements.weeks, base = form.elements.annual_base;
  if (!hours || !weeks || !base) { return; }
  var rounding = quotite.dataset.quotiteRounding;
  var proposal = document.createElement("p");
  proposal.id = "quotite-proposal";
  proposal.className = "fr-hint-text fr-mt-1w";
  proposal.setAttribute("aria-live", "polite");
  quotite.insertAdjacentElement("afterend", proposal);
  var described = quotite.getAttribute("aria-describedby");
  quotite.setAttribute("aria-describedby", (described ? described + " " : "") + proposal.id);

  function number(input) {
    var value = parseFloat(String(input.value).replace(",", "."));
    return isFinite(value) ? value : null;
  }
  function french(value) { return String(value).replace(".", ","); }
  function duration(value) {
    var minutes = Math.round(value * 60), h = Math.floor(minutes / 60), m = minutes % 60;
    return h + " h" + (m ? " " + (m < 10 ? "0" : "") + m : "");
  }
  function computed(h, w, b) {
    var exact = h * w * 100 / b;
    var value;
    if (rounding === "UP") { value = Math.ceil(Math.round(exact * 100) / 100 - 1e-9); }
    else if (rounding === "NEAREST") { value = Math.round(exact); }
    else { value = Math.round(exact * 10) / 10; }
    return Math.min(value, 100);
  }
  function update() {
    var h = number(hours), w = number(weeks), b = number(base);
    if (!h || h <= 0 || !w || !b) { proposal.textContent = ""; quotite.placeholder = ""; return; }
    if (h * w * 100 / b > 100.5) {  // as aesh.rules.weekly_hours_error, which refuses them
      quotite.placeholder = "";
      proposal.textContent = duration(h) + " par semaine sur " + w + " semaines dépassent un temps plein (" +
        duration(b / w) + " par semaine) : vérifiez les heures.";
      return;
    }
    var value = computed(h, w, b);
    quotite.placeholder = french(value);
    proposal.textContent = "Proposition : " + duration(h) + " × " + w + " semaines ÷ " + b + " h = " +
      french(value) + " %" + (quotite.value === "" ? " ; laissée vide, c'est la quotité enregistrée."
        : " ; la valeur saisie est conservée.");
  }
  quotite.addEventListener("input", update);
  [hours, weeks, base].forEach(function (input) { input.addEventListener("input", update); });
  update();
})();
