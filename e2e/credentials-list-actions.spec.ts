// The credentials list (issue 14): a Revoke action on each row, with the same type-the-name
// confirmation as the credential's page, and a status filter (All, Active, Revoked, Expired).
import { uniqueName } from "./fixtures/names";
import { expect, test } from "./fixtures/test";

test("revoke a credential from the list, then filter by status", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const name = uniqueName("List revoke");
  const res = await page.request.post("/api/v1/credentials", { headers: { origin }, data: { name, scopes: ["events:write"] } });
  expect(res.status(), await res.text()).toBe(201);

  await page.goto("/settings/organization/credentials");
  const table = page.getByRole("table", { name: "Credentials" });
  const row = table.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("Active");
  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  const confirm = page.getByRole("alertdialog", { name: `Revoke ${name}?` });
  await expect(confirm).toContainText("immediate and permanent");
  await expect(confirm.getByRole("button", { name: "Revoke credential" })).toBeDisabled();
  await confirm.getByRole("textbox").fill(name);
  await confirm.getByRole("button", { name: "Revoke credential" }).click();
  await expect(confirm).toBeHidden();
  await expect(page).toHaveURL(/\/credentials$/); // still on the list
  await expect(row).toContainText("Revoked");
  await expect(row.getByRole("button", { name: `Revoke ${name}` })).toHaveCount(0);

  const filter = page.getByRole("radiogroup", { name: "Filter credentials by status" });
  await filter.getByRole("radio", { name: "Active" }).click();
  await expect(row).toHaveCount(0);
  await filter.getByRole("radio", { name: "Revoked" }).click();
  await expect(row).toHaveCount(1);
  await filter.getByRole("radio", { name: "All" }).click();
  await expect(row).toHaveCount(1);
});
