// Progressive enhancement only: every page works without JavaScript.
// Loaded with <script type="module">, so browsers that cannot run GOV.UK Frontend skip it.
import { initAll } from "./govuk-frontend.min.js";

initAll();

// The cookie banner's "Hide cookie message" button hides the confirmation in place. Without
// JavaScript the button posts a form that comes back to the same page, which also hides it.
for (const button of document.querySelectorAll("[data-app-hide-cookie-banner]")) {
  button.addEventListener("click", (event) => {
    event.preventDefault();
    const banner = button.closest(".govuk-cookie-banner");
    if (banner) {
      banner.hidden = true;
    }
  });
}

// A newsletter campaign that is sending: its progress is fetched again every 10 seconds and
// replaced in place (no reload, so focus and reading position stay where they are). A button
// stops the updates (WCAG 2.2.2); when sending ends, a polite live region says so once.
const progress = document.querySelector("[data-app-campaign-progress][data-running]");
if (progress) {
  const controls = document.querySelector("[data-app-progress-controls]");
  const stop = controls?.querySelector("[data-app-stop-updates]");
  const refresh = controls?.querySelector("a");
  const status = document.querySelector("[data-app-progress-status]");
  let timer = null;
  const finish = (message) => {
    window.clearInterval(timer);
    if (stop) stop.hidden = true;
    if (refresh) refresh.hidden = false;
    if (status && message) status.textContent = message;
  };
  const update = async () => {
    let response;
    try {
      response = await fetch(window.location.href, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
    } catch {
      return; // offline for a moment: try again at the next tick
    }
    if (!response.ok) {
      finish("");
      return;
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector("[data-app-campaign-progress]");
    if (!fresh) {
      finish("");
      return;
    }
    progress.innerHTML = fresh.innerHTML;
    if (!fresh.hasAttribute("data-running")) {
      const state = fresh.querySelector("#progress-state");
      finish(`Sending has stopped. The campaign is now: ${state ? state.textContent : ""}.`);
    }
  };
  timer = window.setInterval(update, 10000);
  if (refresh) refresh.hidden = true;
  if (stop) {
    stop.hidden = false;
    stop.addEventListener("click", () => {
      finish("The progress is no longer updated.");
      refresh?.focus();
    });
  }
}
