import localFont from "next/font/local";

// Geist Mono (ids, secrets, code) from the `geist` package, as `geist/font/mono` declares it but
// not preloaded: a page shows little monospace text above the fold, and a preload of its 70 KB
// competes with the page's scripts for the first second on a slow connection. Until it arrives
// the system monospace stack shows (font-display: swap).
export const GeistMono = localFont({
  src: "../node_modules/geist/dist/fonts/geist-mono/GeistMono-Variable.woff2",
  variable: "--font-geist-mono",
  weight: "100 900",
  display: "swap",
  preload: false,
  adjustFontFallback: false,
  fallback: ["ui-monospace", "SFMono-Regular", "Roboto Mono", "Menlo", "Monaco", "Liberation Mono", "DejaVu Sans Mono", "Courier New", "monospace"],
});
