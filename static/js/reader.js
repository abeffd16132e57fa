/*
 * Steadfast lesson reader: remembers which section of a lesson the learner is reading.
 *
 * Without this script everything still works: "Take a break" saves the lesson itself as
 * the place. With it, the break form's hidden `section` field always holds the id of the
 * heading nearest the top of the viewport, and the place is also saved quietly when the
 * learner leaves the tab or the page, so "Continue where you left off" on another device
 * returns to the same section.
 *
 * Loaded with <script src defer>: the CSP allows same-origin scripts and no inline code.
 * The CSRF token is read from the break form (the cookie is HttpOnly). navigator.sendBeacon
 * cannot send the X-CSRFToken header, so the save uses fetch with keepalive.
 */
(() => {
  "use strict";

  // Every "Take a break" form on the page (the lesson has one, in its sticky bar).
  const forms = Array.from(document.querySelectorAll("form[data-reader-break]"));
  const body = document.querySelector("[data-reader-body]");
  if (forms.length === 0 || !body) {
    return;
  }
  const fields = forms
    .map((form) => form.querySelector('input[name="section"]'))
    .filter((field) => field !== null);
  const tokenInput = forms[0].querySelector('input[name="csrfmiddlewaretoken"]');
  const placeUrl = forms[0].dataset.placeUrl;
  const headings = Array.from(body.querySelectorAll("h2[id], h3[id]"));
  if (fields.length === 0 || headings.length === 0) {
    return;
  }

  // A heading counts as "being read" once it has passed this line: a quarter of the way
  // down the viewport, so a heading just scrolled into view at the bottom does not count.
  const READING_LINE = 0.25;
  let section = fields[0].value;
  let saved = section;
  let leaving = false;

  const currentSection = () => {
    const line = window.innerHeight * READING_LINE;
    let current = "";
    for (const heading of headings) {
      if (heading.getBoundingClientRect().top <= line) {
        current = heading.id;
      } else {
        break;
      }
    }
    return current;
  };

  const update = () => {
    section = currentSection();
    for (const field of fields) {
      field.value = section;
    }
  };

  const save = () => {
    if (leaving || !placeUrl || !tokenInput || section === saved) {
      return;
    }
    saved = section;
    fetch(placeUrl, {
      method: "POST",
      keepalive: true,
      credentials: "same-origin",
      headers: {
        "X-CSRFToken": tokenInput.value,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ section }),
    }).catch(() => {
      // Saving quietly is best effort: the break form still carries the section.
      saved = null;
    });
  };

  if ("IntersectionObserver" in window) {
    // The observer only says when a heading crosses the reading line or the top edge;
    // the current section is then worked out from the headings' positions, which is
    // right whichever way the learner scrolls.
    const observer = new IntersectionObserver(update, {
      rootMargin: `0px 0px -${100 - READING_LINE * 100}% 0px`,
      threshold: [0, 1],
    });
    for (const heading of headings) {
      observer.observe(heading);
    }
  } else {
    window.addEventListener("scroll", update, { passive: true });
  }
  update();

  // Any form on the page that navigates away (the break itself, "Mark as complete")
  // already carries the place to the server, or does not need it.
  document.addEventListener("submit", () => {
    update();
    leaving = true;
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      update();
      save();
    }
  });
  window.addEventListener("pagehide", () => {
    update();
    save();
  });
})();
