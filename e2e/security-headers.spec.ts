// Finding 17 of the security issue: the console sent no Content-Security-Policy, no framing
// protection and no Referrer-Policy. The headers are on every page, and the console still works
// under them: no CSP violation while pages load and react to clicks.
import { expect, test } from "./fixtures/test";

const PAGES = [
  "/settings/organization/general",
  "/settings/organization/credentials",
  "/settings/organization/webhooks",
  "/settings/organization/audit-log",
];

test("every console page carries the security headers and runs without a CSP violation", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (msg) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect)/i.test(msg.text())) violations.push(msg.text());
  });
  for (const path of PAGES) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(200);
    const h = res!.headers();
    expect(h["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(h["content-security-policy"], path).toContain("object-src 'none'");
    expect(h["x-frame-options"], path).toBe("DENY");
    expect(h["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    expect(h["x-content-type-options"], path).toBe("nosniff");
    await expect(page.getByRole("main")).toBeVisible();
  }
  // Hydrated: a client-side control still works under the policy.
  await page.getByRole("button", { name: "Account menu" }).click();
  await expect(page.getByRole("menuitem", { name: "Sign out" })).toBeVisible();
  expect(violations).toEqual([]);
});

test("the sign-in page cannot be framed by another origin", async ({ request }) => {
  const res = await request.get("/sign-in");
  expect(res.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(res.headers()["x-frame-options"]).toBe("DENY");
});
