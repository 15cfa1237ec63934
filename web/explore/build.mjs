// `make explorer`: bundle src/ into pith_graph/static/explore/ and record the inputs' hash there.
// The hash recipe is repeated in tests/web/test_bundle_fresh.py, which fails on a stale bundle.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "..", "pith_graph", "static", "explore");

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]);
}

// sha256 over "relative/path\n<sha256 of its bytes>\n" for every input, in code-point order of path.
export function inputsHash() {
  const inputs = [...files(join(here, "src")), ...["package.json", "package-lock.json", "build.mjs"].map((f) => join(here, f))]
    .map((f) => relative(here, f).split("\\").join("/"))
    .sort();
  const hash = createHash("sha256");
  for (const path of inputs) {
    hash.update(`${path}\n${createHash("sha256").update(readFileSync(join(here, path))).digest("hex")}\n`);
  }
  return { inputs, sha256: hash.digest("hex") };
}

mkdirSync(out, { recursive: true });
await build({
  entryPoints: { explore: join(here, "src", "main.js"), dashboard: join(here, "src", "dashboard.js") },
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "eof",
  outdir: out,
  logLevel: "warning",
});
copyFileSync(join(here, "src", "explore.css"), join(out, "explore.css"));
copyFileSync(join(here, "src", "dashboard.css"), join(out, "dashboard.css"));
const { inputs, sha256 } = inputsHash();
const lock = JSON.parse(readFileSync(join(here, "package-lock.json"), "utf8"));
const pinned = Object.fromEntries(
  ["chart.js", "cytoscape", "esbuild"].map((name) => [name, lock.packages[`node_modules/${name}`].version]));
writeFileSync(join(out, "BUILD.json"), JSON.stringify({ inputs_sha256: sha256, inputs, pinned }, null, 2) + "\n");
console.log(`explorer bundle written to ${relative(process.cwd(), out)} (inputs ${sha256.slice(0, 12)})`);
