// Makes app/fonts/*-latin.woff2: Geist and Geist Mono (the `geist` package's variable fonts) cut
// down to the Latin range Google Fonts calls `latin`, plus the arrows and signs the console's own
// text uses, and to the OpenType features browsers apply by default plus `tnum` (Tailwind's
// tabular-nums); the stylistic sets and alternates go, with the glyphs only they reach. A third of
// the whole fonts' bytes, which a page's first paint waits on (issue 14, Lighthouse). Characters
// outside the range show in the fallback font, per character.
// The output is committed; run this again only when the `geist` package is updated:
//
//   apt-get install python3-fonttools python3-brotli   # or: pip install fonttools brotli
//   node scripts/subset-fonts.mjs
import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const LATIN = [
  "U+0000-00FF", "U+0131", "U+0152-0153", "U+02BB-02BC", "U+02C6", "U+02DA", "U+02DC", "U+0304", "U+0308", "U+0329",
  "U+2000-206F", "U+20AC", "U+2122", "U+2190-2199", "U+2212", "U+2215", "U+2248", "U+2264-2265", "U+FEFF", "U+FFFD",
].join(",");
// Shaping (ccmp, locl, mark, mkmk), ligatures and contextual forms, kerning; tnum for tabular-nums.
const FEATURES = "ccmp,locl,liga,clig,calt,rlig,kern,mark,mkmk,tnum";
const fonts = [
  ["geist-sans/Geist-Variable.woff2", "geist-sans-latin.woff2"],
  ["geist-mono/GeistMono-Variable.woff2", "geist-mono-latin.woff2"],
];
for (const [from, to] of fonts) {
  const r = spawnSync(
    process.env.PYTHON || "python3",
    ["-m", "fontTools.subset", path.join(root, "node_modules/geist/dist/fonts", from), `--unicodes=${LATIN}`, `--layout-features=${FEATURES}`, "--flavor=woff2", `--output-file=${path.join(root, "app/fonts", to)}`],
    { stdio: "inherit" },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
  console.log(`app/fonts/${to}`);
}
