// spamscore web: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  // Tabs on the form (paste / upload / compose), keyboard as in the WAI-ARIA tabs pattern.
  document.querySelectorAll("[data-tabs]").forEach(function (list) {
    var tabs = Array.prototype.slice.call(list.querySelectorAll('[role="tab"]'));
    function select(tab, focus) {
      tabs.forEach(function (other) {
        var on = other === tab;
        other.setAttribute("aria-selected", on ? "true" : "false");
        other.tabIndex = on ? 0 : -1;
        var panel = document.getElementById(other.getAttribute("aria-controls"));
        if (panel) { if (on) { panel.removeAttribute("data-hidden"); } else { panel.setAttribute("data-hidden", ""); } }
      });
      if (focus) { tab.focus(); }
    }
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { select(tab, false); });
      tab.addEventListener("keydown", function (e) {
        var next = null;
        if (e.key === "ArrowRight") { next = tabs[(i + 1) % tabs.length]; }
        if (e.key === "ArrowLeft") { next = tabs[(i - 1 + tabs.length) % tabs.length]; }
        if (e.key === "Home") { next = tabs[0]; }
        if (e.key === "End") { next = tabs[tabs.length - 1]; }
        if (next) { e.preventDefault(); select(next, true); }
      });
    });
  });

  // Drop an .eml file on the paste box to fill it.
  document.querySelectorAll("[data-dropzone]").forEach(function (area) {
    area.addEventListener("dragover", function (e) { e.preventDefault(); area.classList.add("dragging"); });
    area.addEventListener("dragleave", function () { area.classList.remove("dragging"); });
    area.addEventListener("drop", function (e) {
      area.classList.remove("dragging");
      var file = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
      if (!file) { return; }
      e.preventDefault();
      var reader = new FileReader();
      reader.onload = function () { area.value = String(reader.result || ""); };
      reader.readAsText(file);
    });
  });

  // Copy the permalink.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.querySelector(button.getAttribute("data-copy"));
      if (!field) { return; }
      var label = button.textContent;
      function done() {
        button.textContent = button.getAttribute("data-done") || label;
        setTimeout(function () { button.textContent = label; }, 1600);
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
      } else { field.select(); document.execCommand("copy"); done(); }
    });
  });

  // Ask before deleting a report.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
})();
