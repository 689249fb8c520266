// Issue 14 ("wording matches state"): a receiver that answers 429 with Retry-After pauses every
// send to its endpoint (the throttle honours it for the whole endpoint). The endpoint page says
// so: waiting for the receiver, until when, which answer asked for it (linked to its delivery),
// and that nothing is dropped; the webhooks list marks the endpoint Waiting. At 1280 and 390 px,
// with axe on the page while the notice shows, and nothing sent meanwhile.
import { noSeriousViolations, VIEWPORTS } from "./fixtures/axe";
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

for (const vp of VIEWPORTS) {
  test(`a receiver's 429 Retry-After shows as waiting for the receiver, until when and why (${vp.name})`, async ({ page, receiver, baseURL }) => {
    test.slow();
    await page.setViewportSize({ width: vp.width, height: vp.height });
    const origin = new URL(baseURL!).origin;
    receiver.respondWith(() => ({ status: 429, headers: { "retry-after": "900" } }));
    const type = `e2e_wait.t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    expect((await page.request.post("/api/v1/event-types", { headers: { origin }, data: { name: type, description: "Retry-After e2e" } })).status()).toBe(201);
    const name = uniqueName("Busy receiver");
    const ep = await page.request.post("/api/v1/endpoints", { headers: { origin }, data: { name, url: `${receiver.url}/busy`, event_types: [type] } });
    expect(ep.status(), await ep.text()).toBe(201);
    const { id } = (await ep.json()) as { id: string };

    await page.goto(`/settings/organization/webhooks/endpoints/${id}`);
    await expect(page.getByText("Waiting for the receiver")).toHaveCount(0);
    const send = async () =>
      expect((await page.request.post("/api/v1/events", { headers: { origin }, data: { type, data: { n: Math.random() } } })).status()).toBe(202);
    await send();
    await receiver.waitFor(1, 20_000);
    const askedAt = Date.now();
    // The next send to the endpoint is where the pause is kept (and it must not go out).
    await send();

    const notice = page.getByRole("status").filter({ hasText: "Waiting for the receiver" });
    await expect(notice).toBeVisible({ timeout: 15_000 });
    await expect(notice).toContainText("429 Too Many Requests");
    await expect(notice).toContainText("none is dropped");
    // Until when: 15 minutes after the answer, in the viewer's words.
    await expect(notice).toContainText(/in 1[45] minutes/);
    const deliveries = (await (await page.request.get(`/api/v1/deliveries?endpoint_id=${id}&limit=10`)).json()) as { data: { id: string; attempts: number }[] };
    const asked = deliveries.data.find((d) => d.attempts > 0)!;
    const link = notice.getByRole("link", { name: asked.id });
    await expect(link).toHaveAttribute("href", `/settings/organization/webhooks/deliveries?q=${asked.id}`);
    await expect(page.getByText("Waiting", { exact: true }).first()).toBeVisible(); // beside the status
    await noSeriousViolations(page, `endpoint waiting for its receiver (${vp.name})`);
    if (vp.width === 390) {
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    }

    // The list marks it too, and the receiver got nothing more while it waits.
    await page.goto("/settings/organization/webhooks");
    const row = vp.width === 390 ? page.getByRole("listitem").filter({ hasText: name }) : page.getByRole("row").filter({ hasText: name });
    await expect(row.getByText("Waiting", { exact: true })).toBeVisible();
    expect(receiver.requests.length, `requests ${Date.now() - askedAt} ms after the 429`).toBe(1);

    await page.request.delete(`/api/v1/endpoints/${id}`, { headers: { origin } });
  });
}
