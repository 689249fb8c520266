// Accessibility (issue 14): axe on every console page and on the main dialogs, in light and dark:
// no serious or critical violations.
import { noSeriousViolations } from "./fixtures/axe";
import { expect, test } from "./fixtures/test";

let endpointId = "";

test.beforeAll(async ({ browser, baseURL }) => {
  const ctx = await browser.newContext({ storageState: test.info().project.use.storageState as string });
  const origin = new URL(baseURL!).origin;
  const ep = await ctx.request.post(`${origin}/api/v1/endpoints`, {
    headers: { origin },
    data: { name: `A11y ${Date.now().toString(36)}`, url: "http://127.0.0.1:9/hook", event_types: ["run.failed", "webhook.test"] }, // not a catch-all: other specs' events stay out of its deliveries; its own test event comes in
  });
  expect(ep.status()).toBe(201);
  endpointId = ((await ep.json()) as { id: string }).id;
  await ctx.request.post(`${origin}/api/v1/endpoints/${endpointId}/test`, {
    headers: { origin, "idempotency-key": `a11y-${Date.now()}` },
    data: { type: "webhook.test", data: { hello: "world" } },
  });
  await ctx.close();
});

const PAGES: [string, string][] = [
  ["general", "/settings/organization/general"],
  ["members", "/settings/organization/members"],
  ["credentials", "/settings/organization/credentials"],
  ["webhooks", "/settings/organization/webhooks"],
  ["incoming webhooks", "/settings/organization/webhooks?tab=incoming"],
  ["event types", "/settings/organization/webhooks?tab=event-types"],
  ["deliveries", "/settings/organization/webhooks/deliveries"],
  ["events", "/settings/organization/webhooks/events"],
  ["audit log", "/settings/organization/audit-log"],
  ["sessions", "/settings/account"],
];

for (const scheme of ["light", "dark"] as const) {
  test.describe(`${scheme}`, () => {
    test.use({ colorScheme: scheme });

    test(`every console page has no serious or critical axe violations (${scheme})`, async ({ page }) => {
      test.slow();
      for (const [what, path] of [...PAGES, ["an endpoint page", `/settings/organization/webhooks/endpoints/${endpointId}`] as [string, string]]) {
        await page.goto(path);
        await page.waitForLoadState("networkidle").catch(() => undefined);
        await noSeriousViolations(page, `${what} (${scheme})`);
      }
      // Narrow: the logo link keeps its name, the menu button is labelled.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto("/settings/organization/credentials");
      await noSeriousViolations(page, `credentials at 390 px (${scheme})`);
    });

    test(`the main dialogs have no serious or critical axe violations (${scheme})`, async ({ page }) => {
      test.slow();
      const dialogs: [string, string, string][] = [
        ["/settings/organization/credentials", "Create Credential", "Create credential"],
        ["/settings/organization/webhooks", "Create endpoint", "Create endpoint"],
        ["/settings/organization/webhooks?tab=incoming", "Create incoming webhook", "Create incoming webhook"],
        ["/settings/organization/members", "Invite member", "Invite member"],
      ];
      for (const [path, button, name] of dialogs) {
        await page.goto(path);
        await page.getByRole("button", { name: button }).first().click();
        await expect(page.getByRole("dialog", { name })).toBeVisible();
        await noSeriousViolations(page, `${name} dialog (${scheme})`);
      }
      await page.goto(`/settings/organization/webhooks/endpoints/${endpointId}`);
      await page.getByRole("button", { name: "Send test event" }).click();
      await expect(page.getByRole("dialog", { name: "Send test event" })).toBeVisible();
      await noSeriousViolations(page, `Send test event dialog (${scheme})`);
      await page.keyboard.press("Escape");
      await page.getByRole("table", { name: "Deliveries", exact: true }).getByRole("row").nth(1).click();
      await expect(page.getByRole("dialog")).toBeVisible();
      await noSeriousViolations(page, `delivery dialog (${scheme})`);
    });
  });
}

test("Test and Live are one radio group with one tab stop; arrows switch", async ({ page }) => {
  await page.goto("/settings/organization/general");
  const group = page.getByRole("radiogroup", { name: "Environment" });
  await expect(group.getByRole("radio")).toHaveCount(2);
  // Tab from the organization switch lands on the checked radio; the next Tab leaves the group.
  await page.getByRole("button", { name: /Switch organization/ }).focus();
  await page.keyboard.press("Tab");
  await expect(group.getByRole("radio", { name: "Test" })).toBeFocused();
  await page.keyboard.press("Tab");
  expect(await group.evaluate((g) => g.contains(document.activeElement))).toBe(false);
  // Back into the group, an arrow key moves to Live and switches to it.
  await page.keyboard.press("Shift+Tab");
  await expect(group.getByRole("radio", { name: "Test" })).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await expect(group.getByRole("radio", { name: "Live" })).toHaveAttribute("aria-checked", "true");
  await expect(page.getByText("You are in test mode")).toHaveCount(0);
});
