// Progressive enhancement only: every page works without JavaScript.
// Loaded with <script type="module">, so browsers that cannot run GOV.UK Frontend skip it.
import { initAll } from "./govuk-frontend.min.js";

initAll();
