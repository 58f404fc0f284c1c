// The citation picker of the question form: put a passage's words (the ones selected in it, or
// all of it) or the nearest text into a citation's quote box; the box's input event makes htmx
// check the quote again.
(function () {
  "use strict";
  let selected = "";

  function fill(row, text, sourceId) {
    const quote = document.getElementById("id_citation_" + row + "_quote");
    if (!quote) return;
    if (sourceId) {
      const source = document.getElementById("id_citation_" + row + "_source");
      if (source && source.value !== sourceId) {
        source.value = sourceId;
        source.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    quote.value = text.trim();
    quote.dispatchEvent(new Event("input", { bubbles: true }));
    quote.focus();
  }

  // A click can move the selection: remember it as the button is pressed.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest("[data-use-passage]")) {
      selected = String(window.getSelection() || "");
    }
  });

  document.addEventListener("click", function (event) {
    const usePassage = event.target.closest("[data-use-passage]");
    if (usePassage) {
      const passage = document.getElementById(usePassage.dataset.usePassage);
      const selection = selected || String(window.getSelection() || "");
      const words = selection.trim() && passage.textContent.includes(selection.trim())
        ? selection
        : passage.textContent;
      selected = "";
      fill(usePassage.dataset.row, words, usePassage.dataset.source);
      return;
    }
    const useText = event.target.closest("[data-use-text]");
    if (useText) fill(useText.dataset.row, useText.dataset.useText, "");
  });
})();
