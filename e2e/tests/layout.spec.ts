import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { OWNER_PAT, signIn } from './helpers';

/** How far the users table runs past its card (0 when it fits). */
async function tableOverflow(page: Page): Promise<number> {
  return page.locator('.table-scroll').evaluate((box) => box.scrollWidth - box.clientWidth);
}

/** The distinct rows (rounded top edges) the top bar's visible items sit on. */
async function topBarLines(page: Page): Promise<number> {
  return page.locator('.top-bar').evaluate((bar) => {
    const items = bar.querySelectorAll('.brand, .picker, .top-links > a, .top-links > button');
    const tops = new Set<number>();
    for (const item of items) {
      const box = item.getBoundingClientRect();
      if (box.width > 0) tops.add(Math.round(box.top + box.height / 2));
    }
    return tops.size;
  });
}

for (const language of ['en', 'de'] as const) {
  test(`at 1,280 px the users table fits its card and the top bar keeps to one line (${language})`, async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto('/users');
    await signIn(page, 'Personal access token', OWNER_PAT);
    if (language === 'de') {
      await page.getByLabel('Language').selectOption('de');
      await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    }
    await expect(page.locator('tbody tr').first()).toBeVisible();
    expect(await tableOverflow(page)).toBeLessThanOrEqual(0);
    await expect(page.locator('thead th').last()).toBeInViewport({ ratio: 1 });
    expect(await topBarLines(page)).toBe(1);
    await expect(page.locator('.menu-button')).toBeHidden();
  });
}

test('on a 390 px phone the top bar is one menu and the first screen shows users as cards', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/users');
  await signIn(page, 'Personal access token', OWNER_PAT);
  const rows = page.locator('tbody tr');
  await expect(rows.first()).toBeVisible();

  // The settings wait behind one button.
  const menu = page.getByRole('button', { name: 'Menu' });
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByLabel('Connection')).toBeHidden();
  // At least three users are on the first screen, each a card no wider than the screen.
  for (const index of [0, 1, 2]) {
    await expect(rows.nth(index)).toBeInViewport({ ratio: 1 });
  }
  const card = await rows.first().boundingBox();
  expect(card?.width ?? 0).toBeLessThanOrEqual(390);
  expect(await tableOverflow(page)).toBeLessThanOrEqual(0);
  // A card names the user and shows the state the server returned.
  await expect(rows.first().locator('a')).toBeVisible();
  await expect(rows.first().locator('.badge')).toBeVisible();

  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByLabel('Connection')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  // Moving to another page folds the menu again.
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByLabel('Connection')).toBeHidden();

  // Selecting a user brings the actions back.
  await page.goto('/users');
  await expect(page.getByRole('button', { name: 'Deactivate' })).toBeHidden();
  await rows.first().getByRole('checkbox').check();
  await expect(page.getByRole('button', { name: 'Deactivate' })).toBeVisible();
});
