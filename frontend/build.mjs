// Builds static/build/: the board's stylesheet (GOV.UK Frontend compiled with the
// board's font stack and colour, without GDS Transport or the crown), the
// GOV.UK Frontend JavaScript module, and the fonts the PDF documents use
// (static/build/fonts/). Nothing from node_modules is committed.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
// The documents' fonts (docs/decisions.md › Documents): Fontsource's packages of OFL fonts, the
// subsets for the scripts practitioners' names are written in. WOFF, not WOFF2: WeasyPrint decodes
// each face when a process first renders, and WOFF2's decoder takes seconds over a Chinese font.
const FONTS = [
  {
    pkg: "@fontsource/noto-sans",
    subsets: ["latin", "latin-ext", "greek", "greek-ext", "cyrillic", "cyrillic-ext", "vietnamese"],
    faces: ["400", "400-italic", "700", "700-italic"],
  },
  { pkg: "@fontsource/ibm-plex-sans-arabic", subsets: ["arabic"], faces: ["400", "700"] },
  { pkg: "@fontsource/noto-sans-sc", subsets: ["chinese-simplified"], faces: ["400", "700"] },
];
const fonts = join(out, "fonts");
rmSync(fonts, { recursive: true, force: true });
mkdirSync(fonts, { recursive: true });
const faces = [];
// Each face's rule comes from the package's stylesheet for the weight, which gives its unicode-range
// (or, for a subset it leaves out, the subset's own stylesheet), pointed at the copied file. Each subset
// file is a family of its own ("Noto Sans latin-ext"): WeasyPrint keeps one font per family, weight and
// style, so two files under one name would print one file's glyphs with the other's codes.
const faceRules = (dir, file) =>
  new Map([...readFileSync(join(dir, file), "utf8").matchAll(/\/\* (\S+) \*\/\s*(@font-face \{[^}]*\})/g)].map((m) => [m[1], m[2]]));
const families = [];
for (const { pkg, subsets, faces: wanted } of FONTS) {
  const dir = join(root, "node_modules", pkg);
  const name = pkg.split("/")[1];
  copyFileSync(join(dir, "LICENSE"), join(fonts, `${name}-LICENSE.txt`));
  for (const face of wanted) {
    const byWeight = faceRules(dir, `${face}.css`);
    for (const subset of subsets) {
      const label = `${name}-${subset}-${face.includes("-") ? face : `${face}-normal`}`;
      const rule = byWeight.get(label) ?? faceRules(dir, `${subset}-${face}.css`).get(label);
      if (!rule) throw new Error(`${pkg} has no ${subset} ${face} face`);
      copyFileSync(join(dir, "files", `${label}.woff`), join(fonts, `${label}.woff`));
      const family = `${rule.match(/font-family: '([^']+)'/)[1]} ${subset}`;
      if (!families.includes(family)) families.push(family);
      faces.push(
        rule
          .replace(/font-family: '[^']+'/, `font-family: "${family}"`)
          .replace(/src: [^;]*;/, `src: url(${label}.woff) format("woff");`)
          .replace(/\s*font-display: swap;/, ""),
      );
    }
  }
}
// The documents' text is in the first family that has each character (static/css/documents.css).
faces.push(`html {\n  font-family: ${families.map((family) => `"${family}"`).join(", ")};\n}`);
writeFileSync(join(fonts, "fonts.css"), `/* Built by frontend/build.mjs from Fontsource's packages (SIL Open Font License 1.1). */\n${faces.join("\n")}\n`);

console.log("built static/build/");
