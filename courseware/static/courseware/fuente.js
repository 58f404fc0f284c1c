// Progressive enhancement only: every page works without this file.
// Forms marked data-inline-errors show a refused save's message next to the question. In DEBUG,
// django-htmx replaces the whole page with any 400 response (to show Django's error pages);
// stopping the event at <body> keeps that for real errors and not for these messages.
document.addEventListener("DOMContentLoaded", () => {
  document.body.addEventListener("htmx:beforeOnLoad", (event) => {
    if (event.target.closest && event.target.closest("[data-inline-errors]")) {
      event.stopPropagation();
    }
  });

  // Reading-time pings count only while the page is in view. (An htmx trigger filter would say
  // this in the template, but filters are eval'd, which the Content-Security-Policy forbids.)
  document.body.addEventListener("htmx:confirm", (event) => {
    if (event.target.matches("[data-only-when-visible]") && document.visibilityState !== "visible") {
      event.preventDefault();
    }
  });

  // A citation link opens a page at #hl: move keyboard and screen-reader focus to the
  // highlighted words (the browser already scrolls there on its own).
  const mark = document.getElementById("hl");
  if (mark && window.location.hash === "#hl") {
    mark.focus({ preventScroll: false });
  }

  // The evidence picker: "Use this passage" fills the first empty evidence row in place
  // (without JavaScript the button submits the form, and the server does the same).
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-use-text]");
    if (!button) return;
    const rows = [...document.querySelectorAll(".evidence-row")];
    const row = rows.find((r) => !r.querySelector("textarea").value.trim()) || rows[rows.length - 1];
    if (!row) return;
    event.preventDefault();
    row.querySelector("select").value = button.dataset.useSource;
    const quote = row.querySelector("textarea");
    quote.value = button.dataset.useText;
    quote.focus();
  });

  // A timed attempt's countdown. The server enforces the deadline; this only shows it, and
  // reloads once the grace period is over so the student sees the submitted attempt.
  const countdown = document.querySelector(".countdown[data-deadline]");
  if (countdown) {
    const deadline = Date.parse(countdown.dataset.deadline);
    const tick = () => {
      const left = Math.round((deadline - Date.now()) / 1000);
      if (left <= 0) {
        countdown.textContent = "time is up; your saved answers are being submitted";
        if (left < -35) window.location.reload();
        return;
      }
      const minutes = Math.floor(left / 60);
      const seconds = String(left % 60).padStart(2, "0");
      countdown.textContent = `${minutes}:${seconds}`;
    };
    tick();
    setInterval(tick, 1000);
  }
});
