// Light or dark, as the system is set: Bootstrap 5.3 reads data-bs-theme on <html>. Loaded in
// <head> (a file, not inline: the Content-Security-Policy allows no inline script) so the page
// never flashes the other theme, and follows the setting when it changes while the page is open.
(function () {
  "use strict";
  var dark = window.matchMedia("(prefers-color-scheme: dark)");
  function follow() {
    document.documentElement.setAttribute("data-bs-theme", dark.matches ? "dark" : "light");
  }
  follow();
  dark.addEventListener("change", follow);
})();
