// Issue 14's everyday actions in the console, at 1280 and 390 px with axe on each new dialog:
// credentials edited with scope and expiry presets; an endpoint's settings folded under its
// deliveries, its signing secret revealed again (audited) and verification snippets in five
// languages; an event type's JSON schema checked against its recent events, then saved.
import { noSeriousViolations, VIEWPORTS } from "./fixtures/axe";
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

const localYmd = (days: number) => {
  const n = new Date();
  const d = new Date(n.getFullYear(), n.getMonth(), n.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};

for (const vp of VIEWPORTS) {
  test.describe(`at ${vp.name} px`, () => {
    test.use({ viewport: { width: vp.width, height: vp.height } });

    test(`create a credential from presets, then edit its name, scopes and expiry (${vp.name})`, async ({ page }) => {
      const name = uniqueName("Presets");
      await page.goto("/settings/organization/credentials");
      await page.getByRole("button", { name: "Create Credential" }).first().click();
      const dialog = page.getByRole("dialog", { name: "Create credential" });
      await dialog.getByLabel("Name", { exact: true }).fill(name);
      const presets = dialog.getByRole("group", { name: "Scope presets" });
      await presets.getByRole("button", { name: "Read-only" }).click();
      await expect(presets.getByRole("button", { name: "Read-only" })).toHaveAttribute("aria-pressed", "true");
      await expect(dialog.getByRole("checkbox", { name: "events:read", exact: true })).toBeChecked();
      await expect(dialog.getByRole("checkbox", { name: "events:write", exact: true })).not.toBeChecked();
      await dialog.getByRole("group", { name: "Expiry presets" }).getByRole("button", { name: "90 days" }).click();
      await expect(dialog.getByLabel("Expires")).toHaveValue(localYmd(90));
      await noSeriousViolations(page, `create credential with presets (${vp.name})`);
      await dialog.getByRole("button", { name: "Create credential" }).click();
      const secret = page.getByRole("dialog", { name: "Save your client secret" });
      await expect(secret).toBeVisible();
      await secret.getByRole("button", { name: "Done" }).click();

      // Open it and edit.
      await page.goto("/settings/organization/credentials");
      await page.getByRole("link", { name }).first().click();
      await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
      await page.getByRole("button", { name: "Edit credential" }).click();
      const edit = page.getByRole("dialog", { name: `Edit ${name}` });
      await expect(edit).toContainText("apply from the next token exchange");
      await noSeriousViolations(page, `edit credential (${vp.name})`);
      await edit.getByLabel("Name", { exact: true }).fill(`${name} v2`);
      await edit.getByRole("group", { name: "Scope presets" }).getByRole("button", { name: "Send events" }).click();
      await expect(edit.getByRole("checkbox", { name: "events:read", exact: true })).not.toBeChecked();
      await expect(edit.getByRole("checkbox", { name: "events:write", exact: true })).toBeChecked();
      await edit.getByRole("group", { name: "Expiry presets" }).getByRole("button", { name: "30 days" }).click();
      await edit.getByRole("button", { name: "Save changes" }).click();
      await expect(edit).toBeHidden();
      await expect(page.getByRole("heading", { name: `${name} v2`, level: 1 })).toBeVisible();
      await expect(page.getByText("events:write").first()).toBeVisible();

      // The audit log says it in words.
      await page.goto("/settings/organization/audit-log");
      await expect(page.getByText("Credential edited").first()).toBeVisible();
    });

    test(`an endpoint's settings fold under its deliveries; its secret is revealed again; snippets in five languages (${vp.name})`, async ({ page, baseURL }) => {
      const origin = new URL(baseURL!).origin;
      const res = await page.request.post("/api/v1/endpoints", {
        headers: { origin },
        data: { name: uniqueName("Reveal"), url: "http://127.0.0.1:9/hook", event_types: ["webhook.test"] },
      });
      expect(res.status(), await res.text()).toBe(201);
      const { id, secret } = (await res.json()) as { id: string; secret: string };
      await page.goto(`/settings/organization/webhooks/endpoints/${id}`);

      // Deliveries first; the settings are folded below them and open on demand.
      const deliveries = page.getByRole("heading", { name: "Deliveries", level: 2 });
      const settingsToggle = page.getByRole("button", { name: "Settings" });
      await expect(deliveries).toBeVisible();
      await expect(settingsToggle).toHaveAttribute("aria-expanded", "false");
      const [dy, sy] = [await deliveries.boundingBox(), await settingsToggle.boundingBox()];
      expect(sy!.y).toBeGreaterThan(dy!.y);
      await expect(page.getByRole("form", { name: "Endpoint settings" })).toHaveCount(0);
      await settingsToggle.click();
      await expect(settingsToggle).toHaveAttribute("aria-expanded", "true");
      await expect(page.getByRole("form", { name: "Endpoint settings" })).toBeVisible();

      // Reveal: the same secret the create response gave, audited.
      await page.getByRole("button", { name: "Reveal signing secret" }).click();
      const field = page.getByRole("textbox", { name: "Signing secret" });
      await expect(field).toHaveValue(secret);
      await page.getByRole("button", { name: "Copy signing secret" }).click();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
      await noSeriousViolations(page, `endpoint page with secret revealed (${vp.name})`);
      await page.getByRole("button", { name: "Hide secret" }).click();
      await expect(field).toHaveCount(0);

      // One snippet per language, each with its own library and a copy button.
      const libraries: [string, string][] = [
        ["Node", 'from "standardwebhooks"'],
        ["Python", "from standardwebhooks.webhooks import Webhook"],
        ["Go", "github.com/standard-webhooks/standard-webhooks/libraries/go"],
        ["Ruby", 'require "standardwebhooks"'],
        ["PHP", "StandardWebhooks\\Webhook"],
      ];
      const tabs = page.getByRole("tablist", { name: "Verification snippet language" });
      for (const [lang, marker] of libraries) {
        await tabs.getByRole("tab", { name: lang }).click();
        await page.getByRole("button", { name: `Copy ${lang} verification snippet` }).click();
        expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(marker);
      }

      await page.goto("/settings/organization/audit-log");
      await expect(page.getByText("Endpoint signing secret revealed").first()).toBeVisible();
    });

    test(`an event type's schema is checked against its recent events, then saved (${vp.name})`, async ({ page, baseURL }) => {
      const origin = new URL(baseURL!).origin;
      const type = `schema.${uniqueName("t").replace(/\W+/g, "_").toLowerCase()}`.slice(0, 60);
      expect((await page.request.post("/api/v1/event-types", { headers: { origin }, data: { name: type, description: "Schema check" } })).status()).toBe(201);
      for (const amount of [5, "five"]) {
        const ev = await page.request.post("/api/v1/events", { headers: { origin, "idempotency-key": `${type}-${amount}` }, data: { type, data: { amount } } });
        expect(ev.status(), await ev.text()).toBeLessThan(300);
      }
      await page.goto("/settings/organization/webhooks?tab=event-types");
      await page.getByRole("button", { name: `Edit schema of ${type}` }).click();
      const dialog = page.getByRole("dialog", { name: `Schema of ${type}` });
      const box = dialog.getByLabel("JSON Schema");
      await box.fill("{ not json");
      await dialog.getByRole("button", { name: "Check against recent events" }).click();
      await expect(dialog.getByRole("alert")).toContainText("Not valid JSON");
      await box.fill(JSON.stringify({ type: "object", required: ["amount"], properties: { amount: { type: "number" } } }));
      await dialog.getByRole("button", { name: "Check against recent events" }).click();
      await expect(dialog.getByRole("status")).toContainText("1 of the 2 recent events would be refused");
      await expect(dialog.getByRole("status")).toContainText("data.amount");
      await noSeriousViolations(page, `event type schema dialog (${vp.name})`);
      await dialog.getByRole("button", { name: "Save schema" }).click();
      await expect(page.getByText(`Schema of ${type} saved`)).toBeVisible();
      // A new event that breaks it is refused.
      const refused = await page.request.post("/api/v1/events", { headers: { origin, "idempotency-key": `${type}-bad` }, data: { type, data: { amount: "six" } } });
      expect(refused.status()).toBe(422);
    });
  });
}

test("a truncated table cell shows its full value on keyboard focus, not only on hover", async ({ page, baseURL }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const origin = new URL(baseURL!).origin;
  const name = uniqueName("Truncated");
  const res = await page.request.post("/api/v1/credentials", { headers: { origin }, data: { name, scopes: ["events:read"] } });
  const { client_id } = (await res.json()) as { client_id: string };
  await page.goto("/settings/organization/credentials");
  const cell = page.getByRole("table", { name: "Credentials" }).locator("code", { hasText: client_id });
  await expect(cell).toHaveAttribute("data-truncated", "true");
  await expect(cell).toHaveAttribute("title", client_id);
  const cut = await cell.evaluate((el) => el.scrollWidth > el.clientWidth);
  expect(cut).toBe(true);
  // Reach it with the keyboard alone (bounded).
  let focused = false;
  for (let i = 0; i < 80 && !focused; i++) {
    await page.keyboard.press("Tab");
    focused = await cell.evaluate((el) => el === document.activeElement);
  }
  expect(focused, "the truncated client ID is reachable by Tab").toBe(true);
  // Focused, the whole value is shown: nothing overflows any more.
  await expect.poll(() => cell.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  await noSeriousViolations(page, "credentials list with a focused truncated cell");
});
