// Issue 14: one "create, then show the secret once" dialog for credentials, endpoints, incoming
// webhooks and invitations, and for each regenerated secret. Every one of them, at 1280 and 390 px:
// the value is shown in a labelled read-only field that fits the screen, a stray click outside
// does not throw it away, axe finds nothing serious in light or dark, and once closed the value is
// gone from the page.
import type { Locator, Page } from "@playwright/test";
import { noSeriousViolations, VIEWPORTS } from "./fixtures/axe";
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

async function shownOnce(page: Page, dialog: Locator, field: string, what: string, axe: boolean) {
  await expect(dialog).toBeVisible();
  const value = await dialog.getByLabel(field, { exact: true }).inputValue();
  expect(value.length, `${what}: the ${field} is shown`).toBeGreaterThan(10);
  // It fits the screen: nothing of the dialog is cut off sideways.
  const box = (await dialog.boundingBox())!;
  const width = page.viewportSize()!.width;
  expect(box.x, `${what} starts on screen`).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, `${what} ends on screen`).toBeLessThanOrEqual(width);
  // A stray click outside keeps it (the value is shown only now).
  await page.mouse.click(2, 2);
  await expect(dialog).toBeVisible();
  if (axe) {
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await noSeriousViolations(page, `${what} (${scheme})`);
    }
    await page.emulateMedia({ colorScheme: "light" });
  }
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  // Closed: no copy of the value is left in the page.
  expect(await page.content(), `${what}: the value is gone once closed`).not.toContain(value);
}

for (const vp of VIEWPORTS) {
  test.describe(`at ${vp.name} px`, () => {
    test.use({ viewport: { width: vp.width, height: vp.height } });
    const axe = vp.name === "1280";
    // Each flow creates, regenerates and runs axe twice per dialog: slower than one page.
    test.slow();

    test(`credential: created and regenerated secrets are shown once (${vp.name})`, async ({ page }) => {
      const name = uniqueName("Once");
      await page.goto("/settings/organization/credentials");
      await page.getByRole("button", { name: "Create Credential" }).first().click();
      const create = page.getByRole("dialog", { name: "Create credential" });
      await create.getByLabel("Name", { exact: true }).fill(name);
      await create.getByRole("group", { name: "Scope presets" }).getByRole("button", { name: "Read-only" }).click();
      await create.getByRole("button", { name: "Create credential" }).click();
      await shownOnce(page, page.getByRole("dialog", { name: "Save your client secret" }), "Client secret", "new client secret", axe);

      await page.getByRole("link", { name }).first().click();
      await page.getByRole("button", { name: "Regenerate secret" }).click();
      await page.getByRole("alertdialog").getByRole("button", { name: "Regenerate secret" }).click();
      await shownOnce(page, page.getByRole("dialog", { name: "Save your client secret" }), "Client secret", "regenerated client secret", axe);
    });

    test(`endpoint: created and rotated signing secrets are shown once (${vp.name})`, async ({ page, receiver, baseURL }) => {
      const name = uniqueName("Once endpoint");
      // Subscribed to a type of its own: with none selected it would take every event the other
      // worker's tests post while it exists, adding a delivery to theirs (a second row where
      // provenance.spec expects one).
      const type = `e2e_once.t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
      const et = await page.request.post("/api/v1/event-types", { headers: { origin: new URL(baseURL!).origin }, data: { name: type, description: "One-time secrets e2e" } });
      expect(et.status(), await et.text()).toBe(201);
      await page.goto("/settings/organization/webhooks");
      await page.getByRole("button", { name: "Create endpoint" }).first().click();
      const create = page.getByRole("dialog", { name: "Create endpoint" });
      await create.getByLabel("Name", { exact: true }).fill(name);
      await create.getByLabel("URL", { exact: true }).fill(`${receiver.url}/once`);
      await create.getByRole("checkbox", { name: type, exact: true }).check();
      await create.getByRole("button", { name: "Create endpoint" }).click();
      await shownOnce(page, page.getByRole("dialog", { name: "Save your signing secret" }), "Signing secret", "new signing secret", axe);

      await page.getByRole("link", { name }).first().click();
      await page.getByRole("button", { name: "Rotate secret" }).click();
      await page.getByRole("alertdialog").getByRole("button", { name: "Rotate secret" }).click();
      await shownOnce(page, page.getByRole("dialog", { name: "Save your signing secret" }), "Signing secret", "rotated signing secret", axe);
      await page.request.delete(`/api/v1/endpoints/${page.url().split("/").pop()}`, { headers: { origin: new URL(page.url()).origin } });
    });

    test(`incoming webhook: the created and regenerated tokens are shown once (${vp.name})`, async ({ page }) => {
      const name = uniqueName("Once inbound");
      await page.goto("/settings/organization/webhooks?tab=incoming");
      await page.getByRole("button", { name: "Create incoming webhook" }).first().click();
      const create = page.getByRole("dialog", { name: "Create incoming webhook" });
      await create.getByLabel("Name", { exact: true }).fill(name);
      await create.getByRole("button", { name: "Create", exact: true }).click();
      await shownOnce(page, page.getByRole("dialog", { name: "Save your integration token" }), "Integration token", "new integration token", axe);

      await page.getByRole("button", { name: `Actions for ${name}` }).click();
      await page.getByRole("menuitem", { name: "Regenerate token" }).click();
      await page.getByRole("alertdialog").getByRole("button", { name: "Regenerate token" }).click();
      await shownOnce(page, page.getByRole("dialog", { name: "Save your integration token" }), "Integration token", "regenerated integration token", axe);
    });

    test(`invitation: the invite link is shown once (${vp.name})`, async ({ page }) => {
      await page.goto("/settings/organization/members");
      await page.getByRole("button", { name: "Invite member" }).first().click();
      const create = page.getByRole("dialog", { name: "Invite member" });
      await create.getByLabel("Email", { exact: true }).fill(`${uniqueName("once").replace(/\W+/g, "-").toLowerCase()}@example.test`);
      await create.getByRole("button", { name: "Create invite link" }).click();
      await shownOnce(page, page.getByRole("dialog", { name: "Invitation created" }), "Invite link", "invite link", axe);
    });
  });
}
