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
