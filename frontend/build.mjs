// Builds static/build/: the board's stylesheet (GOV.UK Frontend compiled with the
// board's font stack and colour, without GDS Transport or the crown) and the
// GOV.UK Frontend JavaScript module. Nothing from node_modules is committed.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "build");
mkdirSync(out, { recursive: true });

for (const [entry, target] of [
  ["frontend/scss/portal.scss", "portal.css"],
  ["frontend/scss/print.scss", "print.css"],
]) {
  const result = sass.compile(join(root, entry), {
    loadPaths: [join(root, "node_modules")],
    style: "compressed",
    quietDeps: true,
    silenceDeprecations: ["import", "global-builtin", "color-functions", "slash-div", "if-function"],
  });
  writeFileSync(join(out, target), result.css);
}

const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
copyFileSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
console.log("built static/build/");
