// Test/live on a detail page (issue 14): switching mode on an endpoint's or a credential's page
// goes to the list of the new mode, and a link to a test-mode resource opened in live mode shows
// a not-found page inside the console that offers to switch, not a bare 404.
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

test("switching to live on a test endpoint's page goes to the live webhooks list", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const ep = await page.request.post("/api/v1/endpoints", {
    headers: { origin },
    data: { name: uniqueName("Mode switch"), url: "http://127.0.0.1:9/hook", event_types: ["run.failed"] }, // not a catch-all: other specs' events stay out of its deliveries
  });
  expect(ep.status(), await ep.text()).toBe(201);
  const { id, name } = (await ep.json()) as { id: string; name: string };

  await page.goto(`/settings/organization/webhooks/endpoints/${id}`);
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await page.getByRole("radio", { name: "Live" }).click();
  await expect(page).toHaveURL(/\/settings\/organization\/webhooks$/);
  await expect(page.getByRole("heading", { name: "Webhooks", exact: true })).toBeVisible();
  await expect(page.getByRole("radio", { name: "Live" })).toHaveAttribute("aria-checked", "true");

  // The same link, opened in live mode: not found here, with the way back and an offer to switch.
  await page.goto(`/settings/organization/webhooks/endpoints/${id}`);
  const main = page.getByRole("main");
  await expect(main.getByRole("heading", { name: /in test mode/i })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Organization settings" })).toBeVisible();
  await expect(main.getByRole("link", { name: "Back to webhooks" })).toBeVisible();
  await main.getByRole("button", { name: "Switch to test mode" }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.getByRole("radio", { name: "Test" })).toHaveAttribute("aria-checked", "true");
  await page.request.delete(`/api/v1/endpoints/${id}`, { headers: { origin } });
});

test("an unknown endpoint id is a not-found page inside the console, with a link to the list", async ({ page }) => {
  const res = await page.goto("/settings/organization/webhooks/endpoints/ep_00000000-0000-0000-0000-000000000000");
  expect(res?.status()).toBe(404);
  const main = page.getByRole("main");
  await expect(main.getByRole("heading", { name: /not found/i })).toBeVisible();
  await expect(main.getByRole("link", { name: "Back to webhooks" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Organization settings" })).toBeVisible();
});
