/* Progressive enhancements for the survey; the form works fully without this file.
   - a progress line ("3 dari 9 pertanyaan terjawab");
   - after a tap, scroll to the next unanswered question (never on keyboard use);
   - if the network drops on submit, or the portal cannot take the answers just now
     (restarting behind its proxy, database unreachable: 502/503/504), keep them on
     the device and send them again automatically, with the same submission id, so
     they are stored once. */
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
  var UNAVAILABLE = [502, 503, 504];

  function answered(q) { return !!q.querySelector("input:checked"); }

  function showProgress() {
    var done = questions.filter(answered).length;
    progress.querySelector("progress").value = done;
    progress.querySelector("[data-progress-text]").textContent = progress.getAttribute("data-template")
      .replace("{done}", done).replace("{total}", questions.length);
  }

  function say(kind) {
    notice.textContent = notice.getAttribute("data-" + kind);
    notice.hidden = false;
  }

  function store(body) {
    try { localStorage.setItem(storeKey, body); } catch (e) { /* private mode: keep it in memory */ }
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

  function send(body) {
    if (sending) return;
    sending = true;
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: body,
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (UNAVAILABLE.indexOf(response.status) !== -1) throw new Error("unavailable");
      sending = false;
      forget();
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (response.ok && json) {
        return response.json().then(function (answer) { location.assign(answer.next); });
      }
      // The server answered but did not accept (a mistake in the form, a limit):
      // submit natively so the citizen sees its explanation with their answers kept.
      form.submit();
    }).catch(function () {
      sending = false;
      button.disabled = false;
      store(body);
      say("offline");
      clearTimeout(retryTimer);
      retryTimer = setTimeout(retry, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 60000);
    });
  }

  function retry() {
    var body = stored();
    if (body) send(body);
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
    say("sending");
    send(new URLSearchParams(new FormData(form)).toString());
  });
  window.addEventListener("online", retry);

  progress.hidden = false;
  showProgress();
  var pending = stored();
  if (pending) {
    restore(pending);
    showProgress();
    say("restored");
    send(pending);
  }
})();
