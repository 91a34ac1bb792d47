/* Portfolio Office: what pages do beyond htmx. A static file, as the Content-Security-Policy
   allows no inline script. Every page works without it. */
(function () {
  "use strict";

  /* Choosing a record by typing (pmo.core.choosers): the WAI-ARIA combobox pattern. htmx puts
     the matches in the listbox as the person types; here the arrow keys move through them,
     Enter or a click picks one (its label goes in the box), Escape closes the list. */
  var BOX = "[data-search-choice]";
  var INPUT = BOX + " [role=combobox]";

  function partsOf(input) {
    var box = input.closest(BOX);
    return { list: box.querySelector("[role=listbox]"), status: box.querySelector("[role=status]") };
  }

  function choices(list) {
    return Array.prototype.slice.call(list.querySelectorAll("[role=option]:not([aria-disabled=true])"));
  }

  function setActive(input, option) {
    var list = partsOf(input).list;
    Array.prototype.forEach.call(list.querySelectorAll("[role=option]"), function (each) {
      each.setAttribute("aria-selected", each === option ? "true" : "false");
    });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function show(input, open) {
    var list = partsOf(input).list;
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) {
      setActive(input, null);
    }
  }

  function pick(input, option) {
    input.value = option.getAttribute("data-label");
    input.setAttribute("data-picked", input.value);
    show(input, false);
    partsOf(input).status.textContent = input.value + " chosen.";
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var list = event.detail.target;
    if (!list.matches || !list.matches(BOX + " [role=listbox]")) {
      return;
    }
    var input = list.closest(BOX).querySelector("[role=combobox]");
    Array.prototype.forEach.call(list.querySelectorAll("[role=option]"), function (option, n) {
      option.id = list.id + "-" + n;
    });
    var count = choices(list).length;
    // Matches that arrive after a pick (for what was typed before it) stay closed.
    var picked = input.getAttribute("data-picked") === input.value;
    var open = document.activeElement === input && list.children.length > 0 && !picked;
    show(input, open);
    if (open) {
      partsOf(input).status.textContent = count
        ? count + (count === 1 ? " match" : " matches") + ": use the up and down arrows to choose."
        : list.textContent.trim();
    }
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(INPUT)) {
      return;
    }
    var list = partsOf(input).list;
    var all = choices(list);
    var current = list.querySelector("[aria-selected=true]");
    var at = all.indexOf(current);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) {
        return;
      }
      event.preventDefault();
      if (list.hidden) {
        show(input, true);
      }
      var step = event.key === "ArrowDown" ? 1 : -1;
      var next = at < 0 ? (step > 0 ? 0 : all.length - 1) : (at + step + all.length) % all.length;
      setActive(input, all[next]);
    } else if (event.key === "Enter" && !list.hidden && current) {
      event.preventDefault();
      pick(input, current);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      show(input, false);
    } else if (event.key === "Tab" && !list.hidden) {
      show(input, false);
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches(INPUT)) {
      event.target.removeAttribute("data-picked");
      setActive(event.target, null);
    }
  });

  /* A click (mouse down, so the box keeps the focus) picks an option. */
  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest && event.target.closest(BOX + " [role=option]");
    if (!option) {
      return;
    }
    event.preventDefault();
    if (option.getAttribute("aria-disabled") !== "true") {
      pick(option.closest(BOX).querySelector("[role=combobox]"), option);
    }
  });

  document.addEventListener("focusout", function (event) {
    if (event.target.matches && event.target.matches(INPUT)) {
      show(event.target, false);
    }
  });
})();
