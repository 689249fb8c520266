// Keyboard access: the first Tab on a console page offers a way past the header and the settings
// nav, straight to the page's own content.
import { expect, test } from "./fixtures/test";

test("the first Tab offers Skip to content, which moves focus to the page's content", async ({ page }) => {
  await page.goto("/settings/organization/members");
  await expect(page.getByRole("heading", { name: "Members", exact: true })).toBeVisible();
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).not.toBeInViewport(); // visually hidden until focused
  await page.keyboard.press("Tab");
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
  // The next stop is inside the page, not the header's org switch or the settings nav.
  await page.keyboard.press("Tab");
  const inMain = await page.evaluate(() => document.activeElement?.closest("main")?.id ?? null);
  expect(inMain).toBe("main");
});
