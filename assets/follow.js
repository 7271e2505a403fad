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

  // The class's question and the students' questions (a follower), or the desk (the remote):
  // swapped in place, keeping the live regions (so that what they say is announced) and the
  // focus (so that keyboard users stay where they were).
  var classAt = body.getAttribute("data-class");
  var deskAt = body.getAttribute("data-desk");
  function swap(box, fresh) {
    if (!box || !fresh) return;
    var focused = document.activeElement && box.contains(document.activeElement) ? document.activeElement.id : "";
    fresh.querySelectorAll("[role=status][id]").forEach(function (live) {
      var old = document.getElementById(live.id);
      if (old && box.contains(old)) {
        // An update that says nothing keeps what a region marked data-keep said last (a
        // question sent), until the student's next form.
        var keep = !live.textContent && old.hasAttribute("data-keep");
        if (!keep && old.textContent !== live.textContent) old.textContent = live.textContent;
        live.replaceWith(old);
      }
    });
    box.replaceChildren.apply(box, Array.prototype.slice.call(fresh.childNodes));
    var again = focused && document.getElementById(focused);
    if (again) again.focus();
  }
  function showPieces(html) {
    var made = document.createElement("div");
    made.innerHTML = html;
    ["class", "board", "desk"].forEach(function (id) {
      var fresh = id === "desk" ? made : made.querySelector("#" + id);
      if (id === "desk" && !deskAt) return;
      swap(document.getElementById(id), fresh);
    });
  }

  var source = new EventSource(events);
  // The pieces come whole in the event: a question put to a full room costs no requests.
  function piecesOf(event) { showPieces(event.data); }
  source.addEventListener("class", piecesOf);
  source.addEventListener("desk", piecesOf);
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
    var student = classAt && form.getAttribute("action") === classAt;
    if (!form.hasAttribute("data-remote") && !student) return;
    event.preventDefault();
    var data = new URLSearchParams(new FormData(form));
    if (event.submitter && event.submitter.name) data.set(event.submitter.name, event.submitter.value);
    if (student) {
      // The answer comes back as the pieces, saying what was taken or why not.
      data.set("part", "class");
      var said = document.getElementById(form.classList.contains("choices") ? "said" : "posted");
      if (said) said.textContent = "";
      fetch(form.action, { method: "POST", body: data, cache: "no-store" })
        .then(function (response) {
          if (response.ok && form.classList.contains("ask")) form.reset();
          return response.text();
        })
        .then(showPieces)
        .catch(function () { say("The teacher's computer did not answer; try again."); });
      return;
    }
    fetch(form.action, { method: "POST", body: data, redirect: "manual", cache: "no-store" })
      .then(function (response) {
        if (response.status >= 400) return response.text().then(function (text) { say(text.trim()); });
      })
      .catch(function () { say("The presenter did not answer."); });
  });
})();
