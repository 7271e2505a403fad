// Follows the presenter without reloading: the server says where the presentation is, and the
// page fetches that scene's <main> when the reader is following. Pages work without this.
"use strict";
(function () {
  var body = document.body;

  // A tapped glossary term opens its explanation in place (a second tap, Escape or a tap
  // elsewhere closes it); without the script the tap goes to the list of terms, which leads back.
  function termOf(node) { return node && node.closest ? node.closest(".term") : null; }
  function setTerm(term, open) {
    term.classList.toggle("open", open);
    term.classList.toggle("shut", !open);
    term.firstChild.setAttribute("aria-expanded", String(open));
  }
  function enhanceTerms(root) {
    root.querySelectorAll(".term > a").forEach(function (link) {
      link.setAttribute("role", "button");
      link.setAttribute("aria-expanded", "false");
    });
  }
  enhanceTerms(document);

  // In a wide window's margin each note stands level with its first mark in the text, below the
  // note before it (the style sheet alone sets them one under another from the top).
  function alignNotes() {
    var margin = document.querySelector(".margin");
    if (!margin) return;
    var notes = margin.querySelectorAll("li[id]");
    notes.forEach(function (note) { note.style.paddingTop = ""; });
    if (getComputedStyle(margin).gridColumnStart !== "2") return;
    notes.forEach(function (note) {
      var mark = document.querySelector("main article a[href=\"#" + note.id + "\"]");
      var lower = mark ? mark.getBoundingClientRect().top - note.getBoundingClientRect().top : 0;
      if (lower > 0) note.style.paddingTop = lower + "px";
    });
  }
  alignNotes();
  window.addEventListener("resize", alignNotes);
  document.addEventListener("click", function (event) {
    var term = termOf(event.target);
    document.querySelectorAll(".term.open").forEach(function (open) { if (open !== term) setTerm(open, false); });
    if (!term || event.target.closest(".tip")) return;
    event.preventDefault();
    setTerm(term, !term.classList.contains("open"));
  });
  document.addEventListener("keydown", function (event) {
    var term = termOf(event.target);
    if (event.key === "Escape") {
      document.querySelectorAll(".term.open, .term:focus-within").forEach(function (open) { setTerm(open, false); });
    } else if (event.key === " " && term && event.target === term.firstChild) {
      event.preventDefault();
      setTerm(term, !term.classList.contains("open"));
    }
  });
  document.addEventListener("focusout", function (event) {
    var term = termOf(event.target);
    if (term) term.classList.remove("shut");
  });

  var events = body.getAttribute("data-events");
  if (!events || !window.EventSource || !window.fetch) return;
  var status = document.getElementById("status");
  var following = body.getAttribute("data-following") === "true";
  var fragment = body.getAttribute("data-fragment");
  var timer = document.getElementById("timer");
  var clock = null;

  function say(text) { if (status) status.textContent = text; }

  // The new scene replaces the old; its title is brought into view and given the focus, unless
  // the student is typing (then only the status says where the class is).
  var shownId = null;
  var madeFrom = body.getAttribute("data-shown");
  function show(scene) {
    // The first word of the stream is where the page already is: nothing moves then, and
    // nothing is fetched when it names what the page was made from.
    var first = shownId === null;
    var moved = !first && shownId !== scene.id;
    shownId = scene.id;
    if (first && madeFrom === scene.id + " " + scene.furthest) return;
    fetch(fragment.replace("SCENE", scene.id), { cache: "no-store" })
      .then(function (response) { if (!response.ok) throw response.status; return response.text(); })
      .then(function (html) {
        var main = document.querySelector("main");
        var active = document.activeElement;
        var typing = active && active !== body && !main.contains(active) &&
          (/^(TEXTAREA|INPUT|SELECT)$/.test(active.tagName) || active.isContentEditable);
        main.innerHTML = html;
        enhanceTerms(main);
        alignNotes();
        var heading = main.querySelector("h1");
        if (!heading) return;
        document.title = document.title.replace(/^.*? — /, heading.textContent + " — ");
        if (!moved || typing || body.classList.contains("remote")) return;
        var box = heading.getBoundingClientRect();
        // Smooth only where the style sheet allows it (not under prefers-reduced-motion).
        if (box.top < 0 || box.bottom > window.innerHeight) heading.scrollIntoView({ block: "start" });
        var inClass = active && document.getElementById("class") && document.getElementById("class").contains(active);
        if (!inClass) heading.focus({ preventScroll: true });
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
    var at = "Scene " + shown.number + " of " + shown.total;
    if (following) {
      show(shown);
      say(body.classList.contains("remote")
        ? "The presentation is at " + at + "."
        : "Following the presenter: " + at + ".");
    } else {
      say("The presenter is at " + at + ". Choose Follow to go there.");
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
