// storyline's only script: small conveniences. Every page works without it.
// Served from /static (the Content-Security-Policy allows no inline or remote script).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Facts table: a toggle to show only the facts the outlets disagree on.
  var tools = document.querySelector(".facts-tools");
  var rows = document.querySelectorAll("table.facts tbody tr");
  var conflicts = document.querySelectorAll("table.facts tbody tr.conflict");
  if (tools && conflicts.length && conflicts.length < rows.length) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "quiet";
    button.textContent = "Show only conflicts";
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      var only = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", String(only));
      button.textContent = only ? "Show all facts" : "Show only conflicts";
      rows.forEach(function (tr) { tr.hidden = only && !tr.classList.contains("conflict"); });
    });
    tools.appendChild(button);
  }
  // Story list filters: choosing an outlet applies it at once.
  var outlet = document.querySelector(".filters select[name=outlet]");
  if (outlet && outlet.form) {
    outlet.addEventListener("change", function () { outlet.form.submit(); });
  }
});
