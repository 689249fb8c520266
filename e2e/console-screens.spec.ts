// Not a check: screenshots of each console page at 390, 1280 and 1920 px, light and dark, for a
// person to look at (test-results/screens/). Runs only with E2E_SCREENS=1.
import { expect, test } from "./fixtures/test";

test.skip(!process.env.E2E_SCREENS, "screenshots only on request (E2E_SCREENS=1)");

const PAGES: [string, string][] = [
  ["general", "/settings/organization/general"],
  ["members", "/settings/organization/members"],
  ["credentials", "/settings/organization/credentials"],
  ["webhooks", "/settings/organization/webhooks"],
  ["incoming", "/settings/organization/webhooks?tab=incoming"],
  ["deliveries", "/settings/organization/webhooks/deliveries"],
  ["events", "/settings/organization/webhooks/events"],
  ["audit-log", "/settings/organization/audit-log"],
  ["sessions", "/settings/account"],
];

test("screens", async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  const origin = new URL(baseURL!).origin;
  const ep = await page.request.post("/api/v1/endpoints", {
    headers: { origin },
    data: { name: "Screens endpoint with a longish name", url: "http://127.0.0.1:9/hooks/receive", event_types: ["run.failed", "webhook.test"] }, // not a catch-all: other specs' events stay out of its deliveries
  });
  const { id } = (await ep.json()) as { id: string };
  await page.request.patch(`/api/v1/endpoints/${id}`, { headers: { origin }, data: { status: "PAUSED" } });
  await page.request.post(`/api/v1/endpoints/${id}/test`, { headers: { origin, "idempotency-key": `s${Date.now()}` }, data: { type: "webhook.test", data: {} } });
  await page.request.post("/api/v1/credentials", {
    headers: { origin },
    data: { name: "Screens credential for the billing service backend", scopes: ["endpoints:read", "events:write", "deliveries:read"] },
  });
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [390, 1280, 1920]) {
      await page.setViewportSize({ width, height: 900 });
      for (const [name, path] of [...PAGES, ["endpoint", `/settings/organization/webhooks/endpoints/${id}`] as [string, string]]) {
        await page.goto(path);
        await page.waitForLoadState("networkidle").catch(() => undefined);
        await page.screenshot({ path: `test-results/screens/${name}-${width}-${scheme}.png`, fullPage: true });
      }
    }
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/settings/organization/general");
  await page.getByRole("button", { name: "Open navigation" }).click();
  await expect(page.getByRole("dialog", { name: "Navigation" })).toBeVisible();
  await page.waitForTimeout(400);
  await page.screenshot({ path: "test-results/screens/nav-sheet-390.png" });
});
