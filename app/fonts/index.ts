import localFont from "next/font/local";

// Geist and Geist Mono from the `geist` package, cut to the Latin range (scripts/subset-fonts.mjs,
// OFL.txt): a third of the whole fonts' bytes, which a page's first paint waits on (issue 14,
// Lighthouse). Other characters show in the fallback font, as with Google Fonts' `latin` subset.

// Preloaded: all text is set in it. The fallback is Arial resized to Geist's metrics, so the swap
// moves nothing.
export const GeistSans = localFont({
  src: "./geist-sans-latin.woff2",
  variable: "--font-geist-sans",
  weight: "100 900",
  display: "swap",
});

// Not preloaded: a page shows little monospace text above the fold, and a preload would compete
// with the page's scripts for the first second on a slow connection. Until it arrives the system
// monospace stack shows (font-display: swap).
export const GeistMono = localFont({
  src: "./geist-mono-latin.woff2",
  variable: "--font-geist-mono",
  weight: "100 900",
  display: "swap",
  preload: false,
  adjustFontFallback: false,
  fallback: ["ui-monospace", "SFMono-Regular", "Roboto Mono", "Menlo", "Monaco", "Liberation Mono", "DejaVu Sans Mono", "Courier New", "monospace"],
});
