// Settings > General: an owner sets how long data is kept; a bad value is refused in the form,
// the change is audited, and emptying the field goes back to the server's default.
import { expect, test } from "./fixtures/test";

test("an owner sets data retention, sees a bad value refused, and it is audited", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  try {
    await page.goto("/settings/organization/general");
    const form = page.getByRole("form", { name: "Data retention" });
    const days = form.getByLabel("Keep data for (days)");
    await expect(days).toHaveValue("");
    await expect(form).toContainText("server's default, 30 days");

    await days.fill("0");
    await form.getByRole("button", { name: "Save retention" }).click();
    await expect(form.getByText("1 to 3650 days, or empty for the server's default")).toBeVisible();

    await days.fill("14");
    await form.getByRole("button", { name: "Save retention" }).click();
    await expect(page.getByText("Data is now kept 14 days")).toBeVisible();
    await expect(form).toContainText("Now: 14 days");
    await page.reload();
    await expect(page.getByRole("form", { name: "Data retention" }).getByLabel("Keep data for (days)")).toHaveValue("14");

    await page.goto("/settings/organization/audit-log");
    await expect(page.getByText("Data retention changed").first()).toBeVisible();
  } finally {
    // Other specs run beside this one on the same organization.
    const reset = await page.request.patch("/api/v1/organization/retention", { headers: { origin }, data: { retention_days: null } });
    expect(reset.status()).toBe(200);
  }
});
