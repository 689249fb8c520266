// Attacks on the redirect after sign-in (issue 12, finding 6): `/sign-in?next=/%5Cevil.example/x`
// landed on http://evil.example/x, and `/\t/evil.example` worked too. The form navigates to what
// safeNextPath() returns, and Auth.js's redirect callback uses safeRedirectUrl(); a browser
// resolves that against the page's origin, as `new URL(path, origin)` does here.
import { describe, expect, it } from "vitest";
import { CONSOLE_HOME, safeNextPath, safeRedirectUrl, signInPathFor } from "@/lib/auth/safe-next";

const ORIGIN = "http://localhost:3000";

// What `?next=` holds after the query string is decoded (searchParams decodes once).
const ATTACKS = [
  "/\\evil.example/x",
  "/\\\\evil.example",
  "\\\\evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r\n/evil.example",
  "\t//evil.example",
  " //evil.example",
  "//evil.example",
  "///evil.example",
  "////evil.example/x",
  "/.//evil.example",
  "/./\\evil.example",
  "/%2e//evil.example",
  "/../\\evil.example",
  "/\u0000/evil.example",
  "/\u00a0/evil.example",
  "https://evil.example",
  "http:evil.example",
  "http:/evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "evil.example",
  "@evil.example",
  "/@evil.example/..//evil.example",
  "http://localhost:3000@evil.example/",
  "",
  "x".repeat(5000),
];

function landsOn(path: string | null): URL {
  return new URL(path ?? CONSOLE_HOME, ORIGIN);
}

describe("redirect after sign-in", () => {
  it.each(ATTACKS.map((a) => [JSON.stringify(a).slice(0, 60), a]))("stays on this origin for next=%s", (_label, attack) => {
    const path = safeNextPath(attack);
    expect(landsOn(path).origin).toBe(ORIGIN);
    if (path !== null) {
      expect(path.startsWith("/")).toBe(true);
      expect(path.startsWith("//")).toBe(false);
      expect(path).not.toMatch(/[\\\s]/);
    }
    // Auth.js's callbackUrl, relative or made absolute on another origin.
    expect(new URL(safeRedirectUrl(attack, ORIGIN)).origin).toBe(ORIGIN);
    expect(new URL(safeRedirectUrl(`https://evil.example/${attack}`, ORIGIN)).origin).toBe(ORIGIN);
  });

  it("keeps ordinary same-origin paths, with query and fragment", () => {
    expect(safeNextPath("/settings/organization/members")).toBe("/settings/organization/members");
    expect(safeNextPath("/invite/inv_abc?x=1#top")).toBe("/invite/inv_abc?x=1#top");
    expect(safeNextPath("/settings/../settings/account")).toBe("/settings/account");
    expect(safeRedirectUrl(`${ORIGIN}/settings/account`, ORIGIN)).toBe(`${ORIGIN}/settings/account`);
    expect(safeRedirectUrl("/settings/account", ORIGIN)).toBe(`${ORIGIN}/settings/account`);
  });

  it("the decoded form of the reported payload is refused, not just one spelling", () => {
    const next = new URL(`${ORIGIN}/sign-in?next=/%5Cevil.example/x`).searchParams.get("next");
    expect(next).toBe("/\\evil.example/x");
    expect(safeNextPath(next)).toBeNull();
    const tab = new URL(`${ORIGIN}/sign-in?next=/%09/evil.example`).searchParams.get("next");
    expect(safeNextPath(tab)).toBeNull();
  });

  it("a signed-out console visitor is sent to sign-in with where they were going, never with a foreign target", () => {
    expect(signInPathFor("/settings/organization/webhooks?tab=incoming")).toBe(
      "/sign-in?next=%2Fsettings%2Forganization%2Fwebhooks%3Ftab%3Dincoming",
    );
    // Round trip: what the sign-in page reads back from its own URL is the same path.
    const back = new URL(`${ORIGIN}${signInPathFor("/settings/organization/credentials/cred_1")}`).searchParams.get("next");
    expect(safeNextPath(back)).toBe("/settings/organization/credentials/cred_1");
    for (const attack of ["//evil.example", "https://evil", "/\\evil", "/\\evil.example/x", null, undefined, "", "/sign-in"]) {
      expect(signInPathFor(attack)).toBe("/sign-in");
    }
  });
});
