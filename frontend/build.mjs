// Compiles GOV.UK Frontend and our own Sass and JavaScript into safeguarding/static/dist/.
//
// The output is never committed: `npm ci && npm run build` (or `make assets`) recreates it.
// Nothing GOV.UK-branded is copied: this service is not on GOV.UK, so no crown, crest,
// GOV.UK favicons or GDS Transport font.
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const frontend = join(root, "frontend");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const dist = join(root, "safeguarding", "static", "dist");

rmSync(dist, { recursive: true, force: true });
for (const folder of ["css", "js", "images", "fonts"]) {
  mkdirSync(join(dist, folder), { recursive: true });
}

const { css } = sass.compile(join(frontend, "scss", "main.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  sourceMap: false,
});
writeFileSync(join(dist, "css", "main.css"), css);

// govuk-frontend's ES module bundle; frontend/js/app.js imports it from the same folder.
for (const name of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  copyFileSync(join(govuk, name), join(dist, "js", name));
}
copyFileSync(join(frontend, "js", "app.js"), join(dist, "js", "app.js"));

// DejaVu Sans for the PDF certificates the server draws (names in any European script),
// with its licence beside it. Pages do not use it.
const dejavu = join(root, "node_modules", "dejavu-fonts-ttf");
for (const name of ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"]) {
  copyFileSync(join(dejavu, "ttf", name), join(dist, "fonts", name));
}
copyFileSync(join(dejavu, "LICENSE"), join(dist, "fonts", "DejaVu-LICENSE.txt"));

// Our own images only (for example the favicon).
for (const name of readdirSync(join(frontend, "images"))) {
  copyFileSync(join(frontend, "images", name), join(dist, "images", name));
}

console.log(`Built ${dist}`);
