// The notification bell, at 1280 and 390 px, against the real executor: a receiver that answers
// 410 Gone makes Gatehouse disable its endpoint and fail the delivery for good, which writes two
// notifications; the bell shows the unread count, opens with the keyboard into a list that fits
// the screen, marks one read, then all (the count goes), and a title links to the endpoint's page.
// Other specs share the org, so assertions are about this test's own notifications.
import type { Page } from "@playwright/test";
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

type Note = { id: string; title: string; read_at: string | null; link: string | null };

async function notifications(page: Page): Promise<{ data: Note[]; unread_count: number }> {
  const res = await page.request.get("/api/v1/notifications?limit=100");
  expect(res.status()).toBe(200);
  return res.json();
}

/** An endpoint whose receiver answers 410: after one event it is disabled, with two notifications. */
async function goneEndpoint(page: Page, origin: string, url: string) {
  const type = `e2e_bell.t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const et = await page.request.post("/api/v1/event-types", { headers: { origin }, data: { name: type, description: "Bell e2e" } });
  expect(et.status(), await et.text()).toBe(201);
  const name = uniqueName("Bell");
  const ep = await page.request.post("/api/v1/endpoints", { headers: { origin }, data: { name, url, event_types: [type] } });
  expect(ep.status(), await ep.text()).toBe(201);
  const ev = await page.request.post("/api/v1/events", { headers: { origin }, data: { type, data: {} } });
  expect(ev.status(), await ev.text()).toBe(202);
  const id = ((await ep.json()) as { id: string }).id;
  await expect
    .poll(async () => (await notifications(page)).data.filter((n) => n.title.includes(name)).length, { timeout: 30_000 })
    .toBe(2);
  return { id, name };
}

for (const [width, height] of [[1280, 900], [390, 844]] as const) {
  test(`the bell at ${width} px: unread count, keyboard open, mark read, mark all read`, async ({ page, receiver, baseURL }, info) => {
    test.slow();
    await page.setViewportSize({ width, height });
    const origin = new URL(baseURL!).origin;
    receiver.respondWith(() => ({ status: 410 }));
    await page.goto("/settings/organization/general");
    const { id, name } = await goneEndpoint(page, origin, `${receiver.url}/gone`);

    // The count the member sees (the bell polls; a reload reads it at once).
    await page.reload();
    const bell = page.getByRole("banner").getByRole("button", { name: /^Notifications, \d+ unread$/ });
    await expect(bell).toBeVisible();
    const unread = (await notifications(page)).unread_count;
    expect(unread).toBeGreaterThanOrEqual(2);
    await expect(bell).toHaveAccessibleName(`Notifications, ${unread} unread`);
    await expect(bell).toContainText(String(Math.min(unread, 99)));

    // Keyboard: focus the bell, Enter opens; the list fits the viewport.
    await bell.focus();
    await page.keyboard.press("Enter");
    const panel = page.getByRole("dialog", { name: "Notifications" });
    await expect(panel).toBeVisible();
    const box = (await panel.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(width);
    const disabled = panel.getByRole("listitem").filter({ hasText: `Endpoint "${name}" was disabled` });
    const failed = panel.getByRole("listitem").filter({ hasText: `1 delivery to "${name}" failed for good` });
    await expect(disabled).toContainText("the receiver answered 410 Gone");
    await expect(failed).toBeVisible();
    await page.screenshot({ path: info.outputPath(`bell-open-${width}.png`) });

    // Mark one read with the keyboard: its button goes, the count drops by one, for this member.
    const markOne = failed.getByRole("button", { name: /^Mark read:/ });
    await markOne.focus();
    await page.keyboard.press("Enter");
    await expect(failed.getByRole("button", { name: /^Mark read:/ })).toHaveCount(0);
    await expect.poll(async () => (await notifications(page)).data.find((n) => n.title.includes(name) && n.title.includes("delivery"))?.read_at).not.toBeNull();
    await expect(page.getByRole("banner").getByRole("button", { name: /^Notifications/ })).not.toHaveAccessibleName(`Notifications, ${unread} unread`);

    // Escape closes and gives focus back to the bell.
    await page.keyboard.press("Escape");
    await expect(panel).toBeHidden();
    const bellNow = page.getByRole("banner").getByRole("button", { name: /^Notifications/ });
    await expect(bellNow).toBeFocused();

    // Mark all read: no count left on the bell; the one left unread is read now.
    await bellNow.click();
    await panel.getByRole("button", { name: "Mark all read" }).click();
    await expect(bellNow).toHaveAccessibleName("Notifications");
    await expect(panel.getByRole("button", { name: "Mark all read" })).toBeDisabled();
    await expect(disabled.getByRole("button", { name: /^Mark read:/ })).toHaveCount(0);
    const mine = (await notifications(page)).data.filter((n) => n.title.includes(name));
    expect(mine.map((n) => n.read_at === null)).toEqual([false, false]);

    // The title links to the endpoint's page; following it closes the list.
    await panel.getByRole("link", { name: `Endpoint "${name}" was disabled` }).click();
    await expect(page).toHaveURL(new RegExp(`/webhooks/endpoints/${id}$`));
    await expect(panel).toBeHidden();
    await page.screenshot({ path: info.outputPath(`bell-read-${width}.png`) });
  });
}
