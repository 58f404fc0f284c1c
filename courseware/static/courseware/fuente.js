// Progressive enhancement only: every page works without this file.
// When a citation link opens a page at #hl, move keyboard and screen-reader focus to the
// highlighted words (the browser already scrolls there on its own).
document.addEventListener("DOMContentLoaded", () => {
  const mark = document.getElementById("hl");
  if (mark && window.location.hash === "#hl") {
    mark.focus({ preventScroll: false });
  }
});
