/* Progressive enhancements for the survey; the form works fully without this file.
   - a progress line ("3 dari 9 pertanyaan terjawab");
   - after a tap, scroll to the next unanswered question (never on keyboard use);
   - the answers are kept on the device from the moment "Kirim" is pressed until the
     server has stored them (2xx) or refused them for good (4xx other than 408/429,
     shown by submitting the form natively so the server's explanation appears).
     Offline, a dropped connection, a limit (429) or a server that cannot take them
     now (5xx) keep them and send them again, with the same submission id, so they are
     stored once: after Retry-After when the server says, else with a growing delay. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-survey]");
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) return;
  var questions = [].slice.call(form.querySelectorAll("fieldset.question"));
  var progress = document.querySelector("[data-progress]");
  var notice = document.querySelector("[data-notice]");
  var button = form.querySelector("button[type=submit]");
  var storeKey = "suara-layanan:pending:" + form.getAttribute("action");
  var reduceMotion = window.matchMedia && matchMedia("(prefers-reduced-motion: reduce)").matches;
  var pointer = false, retryDelay = 5000, retryTimer = null, sending = false;
  var MAX_DELAY = 600000;

  function answered(q) { return !!q.querySelector("input:checked"); }

  function showProgress() {
    var done = questions.filter(answered).length;
    progress.querySelector("progress").value = done;
    progress.querySelector("[data-progress-text]").textContent = progress.getAttribute("data-template")
      .replace("{done}", done).replace("{total}", questions.length);
  }

  function say(kind, seconds) {
    notice.textContent = notice.getAttribute("data-" + kind).replace("{seconds}", seconds);
    notice.hidden = false;
  }

  function store(body) {
    try { localStorage.setItem(storeKey, body); } catch (e) { /* private mode: kept in this page */ }
  }
  function stored() {
    try { return localStorage.getItem(storeKey); } catch (e) { return null; }
  }
  function forget() {
    try { localStorage.removeItem(storeKey); } catch (e) { /* nothing stored */ }
  }

  function restore(body) {
    new URLSearchParams(body).forEach(function (value, name) {
      if (name === "csrf_token") return; // the fresh page's token is the valid one
      [].forEach.call(form.elements, function (el) {
        if (el.name !== name) return;
        if (el.type === "radio") el.checked = el.value === value;
        else el.value = value;
      });
    });
  }

  function body() { return new URLSearchParams(new FormData(form)).toString(); }

  function later(kind, milliseconds) {
    sending = false;
    button.disabled = false;
    say(kind, Math.round(milliseconds / 1000));
    clearTimeout(retryTimer);
    retryTimer = setTimeout(retry, milliseconds);
  }

  function backoff() {
    var delay = retryDelay;
    retryDelay = Math.min(retryDelay * 2, 60000);
    return delay;
  }

  function send(data) {
    if (sending) return;
    sending = true;
    button.disabled = true;
    store(data);
    fetch(form.action, {
      method: "POST",
      body: data,
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      var status = response.status;
      if (status === 408 || status === 429 || status >= 500) {
        var seconds = parseInt(response.headers.get("Retry-After"), 10);
        var wait = seconds > 0 ? Math.min(seconds * 1000, MAX_DELAY) : backoff();
        return later("waiting", wait);
      }
      sending = false;
      forget();
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (response.ok && json) {
        return response.json().then(function (answer) { location.assign(answer.next); });
      }
      // Refused for good (a mistake in the form, a withdrawn link): submit natively so
      // the citizen sees the server's explanation, with their answers in the form.
      form.submit();
    }).catch(function () {
      later("offline", backoff());
    });
  }

  function retry() {
    var pending = stored();
    send(pending || body());
  }

  form.addEventListener("pointerdown", function () { pointer = true; });
  form.addEventListener("keydown", function () { pointer = false; });
  form.addEventListener("change", function (event) {
    var question = event.target.closest("fieldset.question");
    if (!question) return;
    showProgress();
    if (!pointer) return;
    var index = questions.indexOf(question);
    var next = questions.slice(index + 1).filter(function (q) { return !answered(q); })[0];
    if (next) next.scrollIntoView({ behavior: reduceMotion ? "auto" : "smooth", block: "start" });
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    say("sending", 0);
    send(body());
  });
  window.addEventListener("online", retry);

  progress.hidden = false;
  showProgress();
  var pending = stored();
  if (pending) {
    // Answers from an earlier visit that never reached the server: put them back in
    // the form (with this page's fresh security token) and send them again.
    restore(pending);
    showProgress();
    say("restored", 0);
    send(body());
  }
})();
