// The API documentation page (Swagger UI): the names Swagger UI leaves out, which screen readers
// need (axe): a parameter's box is named by its parameter, the request body's by what it is, and
// the authorisation dialog's close button "Close". Swagger UI redraws as it goes, so each new
// part of the page is named as it appears.
"use strict";

(() => {
  const root = document.getElementById("swagger-ui");
  const name = (selector, label) => {
    root.querySelectorAll(`${selector}:not([aria-label])`).forEach((element) => {
      element.setAttribute("aria-label", label(element));
    });
  };
  const nameAll = () => {
    const parameter = (element) => element.closest("tr[data-param-name]").dataset.paramName;
    name("tr[data-param-name] select, tr[data-param-name] input, tr[data-param-name] textarea", parameter);
    name("textarea.body-param__text", () => "Request body");
    name("button.close-modal", () => "Close");
  };
  new MutationObserver(nameAll).observe(root, { childList: true, subtree: true });
})();
