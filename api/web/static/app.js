// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Close the account menu (a <details>) with Escape or a click elsewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details[open]").forEach(function (open) {
      if (open.contains(document.activeElement) || open.classList.contains("user-menu")) {
        open.removeAttribute("open");
        var summary = open.querySelector("summary");
        if (summary) summary.focus();
      }
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  // Opening a command's form puts the cursor in its first field.
  document.querySelectorAll(".commands details, .order-main details").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (!details.open) return;
      var first = details.querySelector("input:not([type=hidden]), textarea, select, button[type=submit]");
      if (first) first.focus();
    });
  });
  // A form is sent once: a second click while the page loads does nothing.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.method.toLowerCase() !== "post") return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
  });
})();
// "Use my location" fills the site's coordinates for the nearest-branch search.
(function () {
  "use strict";
  if (!("geolocation" in navigator)) return;
  document.querySelectorAll("[data-locate]").forEach(function (button) {
    var ids = button.dataset.locate.split(",");
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (where) {
        document.getElementById(ids[0]).value = where.coords.latitude.toFixed(5);
        document.getElementById(ids[1]).value = where.coords.longitude.toFixed(5);
        button.form.submit();
      });
    });
  });
})();
// A refused form: the cursor goes to the first field in error (the browser scrolls it into view).
(function () {
  "use strict";
  var invalid = document.querySelector("main [aria-invalid=true]");
  if (invalid) invalid.focus();
})();
