// Follows the presenter without reloading: the server says where the presentation is, and the
// page fetches that scene's <main> when the reader is following. Pages work without this.
"use strict";
(function () {
  var body = document.body;
  var events = body.getAttribute("data-events");
  if (!events || !window.EventSource || !window.fetch) return;
  var status = document.getElementById("status");
  var following = body.getAttribute("data-following") === "true";
  var fragment = body.getAttribute("data-fragment");
  var timer = document.getElementById("timer");
  var clock = null;

  function say(text) { if (status) status.textContent = text; }

  function show(scene) {
    fetch(fragment.replace("SCENE", scene.id), { cache: "no-store" })
      .then(function (response) { if (!response.ok) throw response.status; return response.text(); })
      .then(function (html) {
        var main = document.querySelector("main");
        main.innerHTML = html;
        var heading = main.querySelector("h1");
        if (heading) document.title = heading.textContent;
      })
      .catch(function () { say("Could not fetch the scene; a refresh catches up."); });
  }

  function tick(shown) {
    if (!timer) return;
    var started = Date.now() - shown.timer_ms;
    function draw() {
      var ms = shown.running ? Date.now() - started : shown.timer_ms;
      var s = Math.floor(ms / 1000);
      timer.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    }
    if (clock) clearInterval(clock);
    draw();
    if (shown.running) clock = setInterval(draw, 1000);
  }

  var source = new EventSource(events);
  source.addEventListener("scene", function (event) {
    var shown = JSON.parse(event.data);
    tick(shown);
    if (following) {
      show(shown);
      say(body.classList.contains("remote")
        ? "The presentation is at scene " + shown.number + "."
        : "Following the presenter: scene " + shown.number + ".");
    } else {
      say("The presenter is at scene " + shown.number + ". Choose Follow to go there.");
    }
  });
  source.addEventListener("error", function () { say("Connection lost; trying again…"); });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-remote")) return;
    event.preventDefault();
    var data = new URLSearchParams(new FormData(form));
    if (event.submitter && event.submitter.name) data.set(event.submitter.name, event.submitter.value);
    fetch(form.action, { method: "POST", body: data, redirect: "manual", cache: "no-store" })
      .then(function (response) { if (response.status === 429) say("Too many commands; wait a moment."); })
      .catch(function () { say("The presenter did not answer."); });
  });
})();
