// Progressive enhancement only: every page works without this file.
// This file holds no words a person reads: they come from the page (data-msg-* attributes the
// template translated), and times are formatted in the page's language (<html lang>).
const PAGE_LANGUAGE = document.documentElement.lang || undefined;
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

  // A form marked data-auto-submit (the deep-linking answer to the LMS) goes at once; without
  // JavaScript the person presses its button.
  const autoSubmit = document.querySelector("form[data-auto-submit]");
  if (autoSubmit) autoSubmit.submit();
});

// ---------------------------------------------------------------------------------------------
// Taking a quiz: the attempt page, its summary and the timer (quizzes/attempt_detail.html,
// attempt_summary.html, _timer.html). Without this script the attempt page is one form and
// every button on it posts every answer; with it:
// - each question is saved as it changes (a change at once, typing after a pause), one request
//   at a time per question, and the latest state is always sent: nothing waits in a queue that
//   could be dropped;
// - a save that fails (network, server) is retried with backoff, and the status says so
//   ("Not saved yet — retrying…", then "Saved at 10:42" in the student's own time);
// - answers not yet acknowledged are kept in localStorage (the fields as the page posts them:
//   opaque ids, never the key), under the attempt and a per-attempt opaque key, and offered
//   back after a reload or a crash; an acknowledged save or submitting clears them;
// - a button that leaves the page (Next, Finish, Check, a report) waits for pending saves;
// - the timer counts down, shows the end in the student's time zone, announces 5 minutes and
//   1 minute left, and submits when the time is up.
const FuenteAttempt = (() => {
  const PREFIX = "fuente:drafts:";
  const KEEP_DAYS = 7;
  const MAX_DELAY = 30000;
  const TYPING_PAUSE = 1200;

  const storageKey = (attempt, key) => `${PREFIX}${attempt}:${key}`;

  function readDrafts(key) {
    try {
      const drafts = JSON.parse(localStorage.getItem(key) || "{}");
      return drafts && typeof drafts === "object" ? drafts : {};
    } catch (error) {
      return {};
    }
  }

  function writeDrafts(key, drafts) {
    try {
      if (Object.keys(drafts).length) localStorage.setItem(key, JSON.stringify(drafts));
      else localStorage.removeItem(key);
    } catch (error) {
      // Storage full or refused (private mode): saving to the server still works.
    }
  }

  function forgetAttempt(attempt) {
    try {
      Object.keys(localStorage)
        .filter((key) => key.startsWith(`${PREFIX}${attempt}:`))
        .forEach((key) => localStorage.removeItem(key));
    } catch (error) {
      // Nothing kept, nothing to clear.
    }
  }

  function pruneOld() {
    try {
      const limit = Date.now() - KEEP_DAYS * 86400000;
      Object.keys(localStorage)
        .filter((key) => key.startsWith(PREFIX))
        .forEach((key) => {
          const times = Object.values(readDrafts(key)).map((draft) => draft.at || 0);
          if (!times.length || Math.max(...times) < limit) localStorage.removeItem(key);
        });
    } catch (error) {
      // As above.
    }
  }

  const clock = new Intl.DateTimeFormat(PAGE_LANGUAGE, { hour: "numeric", minute: "2-digit" });
  const localTime = (date) => clock.format(date);

  function localizeTimes(root) {
    root.querySelectorAll("time[data-local-time]").forEach((element) => {
      const date = new Date(element.getAttribute("datetime"));
      if (!Number.isNaN(date.getTime())) element.textContent = localTime(date);
    });
  }

  const sameFields = (a, b) => JSON.stringify(a || []) === JSON.stringify(b || []);

  // -------------------------------------------------------------------------------------------
  function attemptPage(form) {
    const attempt = form.dataset.attempt;
    const draftsKey = storageKey(attempt, form.dataset.draftsKey);
    const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
    const bar = document.getElementById("attempt-bar");
    const state = document.getElementById("save-state");
    const text = (name, time) => (form.dataset[`msg${name}`] || "").replace("__TIME__", time || "");
    const questions = new Map(); // position → {dirty, sending, timer, delay, refused}
    const offPage = new Map(); // restored answers to questions on other pages: {seq, fields}
    const waiting = [];
    let lastSaved = null;
    let leaving = false;
    let closed = false;

    const prefix = (position) => `q${position}-`;
    const onPage = (position) => !!document.getElementById(`seq-${position}`);
    const saveUrl = (position) => form.dataset.saveUrl.replace(/\/q\/0\/save\/$/, `/q/${position}/save/`);

    function question(position) {
      if (!questions.has(position)) {
        questions.set(position, { dirty: false, sending: false, timer: null, delay: 0, refused: false });
      }
      return questions.get(position);
    }

    // The question's fields as the form posts them (name, value), without its sequence number.
    function fieldsOf(position) {
      if (!onPage(position)) return (offPage.get(position) || {}).fields || [];
      const start = prefix(position);
      return [...new FormData(form)].filter(
        ([name]) => name.startsWith(start) && name !== `${start}seq`,
      ).map(([name, value]) => [name, String(value)]);
    }

    function seqOf(position) {
      const input = document.getElementById(`seq-${position}`);
      return input ? input.value : String((offPage.get(position) || {}).seq || 0);
    }

    function remember(position) {
      const drafts = readDrafts(draftsKey);
      drafts[position] = { seq: seqOf(position), fields: fieldsOf(position), at: Date.now() };
      writeDrafts(draftsKey, drafts);
    }

    function forget(position) {
      const drafts = readDrafts(draftsKey);
      delete drafts[position];
      writeDrafts(draftsKey, drafts);
    }

    const pending = () =>
      [...questions.values()].some((q) => q.dirty || q.sending || q.timer !== null);

    function settle() {
      showState();
      if (pending()) return;
      waiting.splice(0).forEach((resolve) => resolve());
    }

    const whenSaved = () => (pending() ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve());

    function showState() {
      const list = [...questions.values()];
      let message = "";
      let isError = false;
      if (list.some((q) => q.delay > 0)) {
        message = text("Retrying");
        isError = true;
      } else if (list.some((q) => q.dirty || q.sending)) {
        message = text("Saving");
      } else if (lastSaved && !list.some((q) => q.refused)) {
        message = text("AllSaved", localTime(lastSaved));
      }
      if (!state) return;
      state.textContent = message;
      state.hidden = !message;
      state.classList.toggle("error", isError);
      if (message && bar) bar.hidden = false;
    }

    function setStatus(position, html, role, className) {
      const status = document.getElementById(`status-${position}`);
      if (!status) return;
      status.setAttribute("role", role);
      status.className = className;
      status.innerHTML = html;
      localizeTimes(status);
    }

    function schedule(position, wait) {
      const q = question(position);
      q.dirty = true;
      q.refused = false;
      clearTimeout(q.timer);
      q.timer = setTimeout(() => send(position), wait);
      showState();
    }

    async function send(position) {
      const q = question(position);
      clearTimeout(q.timer);
      q.timer = null;
      if (q.sending || !q.dirty || closed) return settle();
      q.dirty = false;
      q.sending = true;
      const sent = fieldsOf(position);
      const body = new FormData();
      sent.forEach(([name, value]) => body.append(name.slice(prefix(position).length), value));
      body.append("seq", seqOf(position));
      let outcome = "retry";
      try {
        const reply = await fetch(saveUrl(position), {
          method: "POST",
          body,
          credentials: "same-origin",
          redirect: "manual",
          headers: { "HX-Request": "true", "X-CSRFToken": csrf },
        });
        outcome = await readReply(position, reply, sent);
      } catch (error) {
        outcome = "retry";
      }
      q.sending = false;
      if (outcome === "retry" && !closed) {
        q.dirty = true;
        q.delay = Math.min(q.delay ? q.delay * 2 : 1000, MAX_DELAY);
        const jitter = Math.round(Math.random() * 300);
        q.timer = setTimeout(() => send(position), q.delay + jitter);
        setStatus(position, text("Retrying"), "status", "save-status retrying");
      } else {
        q.delay = 0;
        if (q.dirty) return send(position);
      }
      settle();
    }

    // "done" (saved), "refused" (the server said why: shown at the question) or "retry".
    async function readReply(position, reply, sent) {
      if (reply.type === "opaqueredirect" || reply.status === 0 || reply.status >= 500) return "retry";
      if (reply.status !== 200 && reply.status !== 400 && reply.status !== 409) return "retry";
      const fragment = document.createElement("template");
      fragment.innerHTML = await reply.text();
      const status = fragment.content.getElementById(`status-${position}`);
      if (!status) return "retry"; // not our fragment (a login page, a proxy's error page)
      if (reply.status !== 200) {
        question(position).refused = true;
        if (onPage(position)) setStatus(position, status.innerHTML, "alert", status.className);
        else if (state) state.textContent = status.textContent;
        if (status.hasAttribute("data-closed")) {
          closed = true;
          leaving = true;
          window.location.assign(form.action); // the attempt page sends a closed attempt to its result
        }
        return "refused";
      }
      const seq = fragment.content.getElementById(`seq-${position}`);
      const input = document.getElementById(`seq-${position}`);
      if (seq && input) input.value = seq.value;
      if (seq && offPage.has(position)) offPage.get(position).seq = seq.value;
      const item = fragment.content.getElementById(`nav-${position}`);
      const current = document.getElementById(`nav-${position}`);
      if (item && current) {
        current.className = item.className;
        const fresh = item.querySelector(".nav-state");
        const old = current.querySelector(".nav-state");
        if (fresh && old) old.innerHTML = fresh.innerHTML;
      }
      if (onPage(position)) setStatus(position, status.innerHTML, "status", status.className);
      lastSaved = new Date();
      if (sameFields(fieldsOf(position), sent)) {
        forget(position);
        offPage.delete(position);
      } else {
        remember(position); // changed again meanwhile: still unsent, now against the new sequence
      }
      return "done";
    }

    function flush() {
      questions.forEach((q, position) => {
        if (q.dirty || q.refused) {
          q.dirty = true;
          q.delay = 0;
          send(position);
        }
      });
      settle();
    }

    function positionOf(element) {
      const match = /^q(\d+)-/.exec(element.name || "");
      return match ? Number(match[1]) : null;
    }

    form.addEventListener("input", (event) => {
      const position = positionOf(event.target);
      if (position === null || event.target.type !== "text") return;
      remember(position);
      schedule(position, TYPING_PAUSE);
    });

    form.addEventListener("change", (event) => {
      const position = positionOf(event.target);
      if (position === null) return;
      remember(position);
      schedule(position, 0);
    });

    // Post the form as the button would, once every pending save is done. The form carries every
    // answer on the page anyway; waiting keeps a save in flight from racing the page's own post.
    function post(action) {
      leaving = true;
      const field = document.createElement("input");
      field.type = "hidden";
      field.name = "action";
      field.value = action;
      form.appendChild(field);
      form.submit();
    }

    form.addEventListener("submit", (event) => {
      const action = event.submitter ? event.submitter.value : "save";
      event.preventDefault();
      if (action === "save" || action.startsWith("save:")) {
        flush(); // saving happens as you go: Save (and Enter) only hurries it
        if (!pending() && state && ![...questions.values()].some((q) => q.refused)) {
          state.textContent = text("AllSaved", localTime(lastSaved || new Date()));
          state.hidden = false;
          if (bar) bar.hidden = false;
        }
        return;
      }
      if (!pending()) {
        post(action);
        return;
      }
      if (state) {
        state.textContent = text("Waiting");
        state.hidden = false;
        if (bar) bar.hidden = false;
      }
      flush();
      whenSaved().then(() => post(action));
    });

    window.addEventListener("beforeunload", (event) => {
      if (leaving || !pending()) return;
      event.preventDefault();
      event.returnValue = text("Leave"); // browsers show their own words
    });
    window.addEventListener("online", flush);

    // Answers kept from an earlier visit that the server never acknowledged: offer them back.
    function offerDrafts() {
      const drafts = readDrafts(draftsKey);
      Object.keys(drafts).forEach((position) => {
        if (onPage(position) && sameFields(fieldsOf(position), drafts[position].fields)) {
          delete drafts[position]; // the page already shows it: it was saved
        }
      });
      writeDrafts(draftsKey, drafts);
      const positions = Object.keys(drafts).map(Number);
      const offer = document.getElementById("restore-offer");
      if (!positions.length || !offer) return;
      const button = document.getElementById("restore-button");
      button.textContent = positions.length === 1
        ? offer.dataset.one
        : offer.dataset.many.replace("__N__", String(positions.length));
      offer.hidden = false;
      button.addEventListener("click", () => {
        positions.forEach((position) => restore(position, drafts[position]));
        offer.hidden = true;
        const block = document.getElementById(`q${positions[0] + 1}`);
        const first = block && block.querySelector("input:not([type=hidden]), select");
        if (first) first.focus();
      });
      document.getElementById("discard-button").addEventListener("click", () => {
        writeDrafts(draftsKey, {});
        offer.hidden = true;
      });
    }

    function restore(position, draft) {
      if (onPage(position)) {
        const values = draft.fields || [];
        const start = prefix(position);
        [...form.elements].forEach((element) => {
          if (!element.name || !element.name.startsWith(start) || element.name === `${start}seq`) return;
          const mine = values.filter(([name]) => name === element.name).map(([, value]) => value);
          if (element.type === "radio" || element.type === "checkbox") {
            element.checked = mine.includes(element.value);
          } else {
            element.value = mine.length ? mine[0] : "";
          }
        });
        remember(position);
      } else {
        offPage.set(position, { seq: draft.seq, fields: draft.fields || [] });
      }
      schedule(position, 0);
    }

    // The bar stays on top: the question list and a question scrolled to sit below it.
    if (bar && window.ResizeObserver) {
      new ResizeObserver(() => {
        form.style.setProperty("--attempt-bar", bar.hidden ? "0px" : `${bar.offsetHeight + 8}px`);
      }).observe(bar);
    }

    localizeTimes(document);
    offerDrafts();

    return {
      // When the time is up: send what is pending (the grace period covers it), then submit.
      timeIsUp() {
        if (closed) return;
        flush();
        const give = new Promise((resolve) => setTimeout(resolve, 20000));
        Promise.race([whenSaved(), give]).then(() => {
          forgetAttempt(attempt);
          post("submit");
        });
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  function summaryPage(form) {
    const attempt = form.dataset.attempt;
    const drafts = readDrafts(storageKey(attempt, form.dataset.draftsKey));
    const warning = document.getElementById("drafts-warning");
    if (warning && Object.keys(drafts).length) warning.hidden = false;
    form.addEventListener("submit", () => forgetAttempt(attempt));
    return {
      timeIsUp() {
        forgetAttempt(attempt);
        form.submit();
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  function timer(element, page) {
    const deadline = Date.parse(element.dataset.deadline);
    const skew = Date.parse(element.dataset.now) - Date.now(); // the server's clock minus ours
    const countdown = element.querySelector(".countdown");
    const end = element.querySelector("time.ends-at");
    const warning = document.getElementById("timer-warning");
    const polite = document.getElementById("timer-polite");
    const assertive = document.getElementById("timer-assertive");
    const seenKey = `fuente:timer:${element.dataset.attempt}`;
    const shown = {};
    let up = false;
    if (Number.isNaN(deadline)) return;

    const sameDay = new Date(deadline).toDateString() === new Date().toDateString();
    const format = new Intl.DateTimeFormat(PAGE_LANGUAGE, {
      ...(sameDay ? {} : { weekday: "short", month: "short", day: "numeric" }),
      hour: "numeric",
      minute: "2-digit",
      timeZoneName: "short",
    });
    if (end) end.textContent = format.format(new Date(deadline));

    const announced = () => {
      try {
        return JSON.parse(sessionStorage.getItem(seenKey) || "[]");
      } catch (error) {
        return [];
      }
    };

    // Say it once per attempt (a page change must not say it again); show it on every page.
    function warn(level, message, region) {
      if (shown[level]) return;
      shown[level] = true;
      element.classList.add(level === "one" ? "urgent" : "warning");
      if (warning) warning.textContent = message;
      const said = announced();
      if (said.includes(level)) return;
      try {
        sessionStorage.setItem(seenKey, JSON.stringify([...said, level, ...(level === "one" ? ["five"] : [])]));
      } catch (error) {
        // Announced again on the next page: harmless.
      }
      if (region) region.textContent = message;
    }

    const two = (n) => String(n).padStart(2, "0");

    function tick() {
      const left = Math.ceil((deadline - (Date.now() + skew)) / 1000);
      if (left <= 0) {
        countdown.textContent = "0:00";
        if (!up) {
          up = true;
          shown.five = shown.one = true;
          element.classList.add("urgent");
          if (warning) warning.textContent = element.dataset.msgUp;
          if (assertive) assertive.textContent = element.dataset.msgUp;
          if (page) page.timeIsUp();
          else setTimeout(() => window.location.reload(), 35000);
        }
        return;
      }
      const hours = Math.floor(left / 3600);
      const minutes = Math.floor((left % 3600) / 60);
      const seconds = left % 60;
      countdown.textContent = hours ? `${hours}:${two(minutes)}:${two(seconds)}` : `${minutes}:${two(seconds)}`;
      if (left <= 60) warn("one", element.dataset.msgOne, assertive);
      else if (left <= 300) warn("five", element.dataset.msgFive, polite);
    }
    tick();
    setInterval(tick, 1000);
  }

  function start() {
    pruneOld();
    const form = document.getElementById("attempt-form");
    const summary = document.getElementById("submit-form");
    let page = null;
    if (form) page = attemptPage(form);
    else if (summary) page = summaryPage(summary);
    const clockElement = document.getElementById("timer");
    if (clockElement) timer(clockElement, page);
  }

  return { start };
})();

document.addEventListener("DOMContentLoaded", FuenteAttempt.start);
