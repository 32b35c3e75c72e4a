import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { OWNER_PAT, action, generated, signIn, subjectBadge } from './helpers';

/** Serious and critical axe-core violations on the page as it is now, in words. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`every page passes axe-core in the ${colorScheme} theme`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    const id = generated(33);

    await page.goto('/users');
    await expect(page.getByRole('heading', { name: /^Sign in/ })).toBeVisible();
    expect(await seriousViolations(page), 'sign-in').toEqual([]);

    await signIn(page, 'Personal access token', OWNER_PAT);
    await page.goto('/users?q=duck');
    await expect(page.locator('tbody tr').first()).toBeVisible();
    expect(await seriousViolations(page), 'users list').toEqual([]);
    await page.setViewportSize({ width: 1100, height: 760 });
    await page.screenshot({ path: `test-results/screenshots/users-list-${colorScheme}.png` });

    await page.goto(`/users/${id}`);
    await expect(subjectBadge(page)).toHaveText('Active');
    expect(await seriousViolations(page), 'user detail').toEqual([]);
    // The README's screenshots come from here (copied to docs/).
    await page.setViewportSize({ width: 1100, height: 760 });
    await page.screenshot({ path: `test-results/screenshots/user-detail-${colorScheme}.png` });

    await action(page, 'Delete').click();
    await expect(page.getByRole('dialog')).toBeVisible();
    expect(await seriousViolations(page), 'confirm dialog').toEqual([]);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);

    await page.goto('/users/226000000000000002/grants/70000000000000003');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    expect(await seriousViolations(page), 'grant detail').toEqual([]);

    await page.goto('/settings');
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
    expect(await seriousViolations(page), 'settings').toEqual([]);

    await page.goto('/no/such/page');
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    expect(await seriousViolations(page), 'not found').toEqual([]);
  });
}

test('keyboard only: the confirm dialog traps focus, Escape cancels, focus returns to the button', async ({ page }) => {
  const id = generated(34);
  await page.goto(`/users/${id}`);
  await signIn(page, 'Personal access token', OWNER_PAT);
  await expect(subjectBadge(page)).toHaveText('Active');

  const deactivate = action(page, 'Deactivate');
  await deactivate.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();

  // Tabbing around never leaves the dialog: the page behind it is inert.
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    const inside = await page.evaluate(() => !!document.activeElement?.closest('dialog'));
    expect(inside, `focus after ${i + 1} Tab(s)`).toBeTruthy();
  }

  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(deactivate).toBeFocused();
  await expect(subjectBadge(page)).toHaveText('Active');

  // Confirming by keyboard works too, and the outcome is announced.
  await deactivate.focus();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Deactivate', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(subjectBadge(page)).toHaveText('Inactive');
  await expect(page.getByRole('status').filter({ hasText: /server confirms .* is inactive/ })).toHaveCount(1);
});

test('the theme switch overrides the system and is remembered', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/settings');
  const theme = page.getByLabel('Theme');
  await expect(theme).toHaveValue('system');
  const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const light = await background();

  await theme.selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const dark = await background();
  expect(dark).not.toBe(light);
  expect(await seriousViolations(page), 'settings, dark by choice').toEqual([]);

  await page.reload();
  await expect(page.getByLabel('Theme')).toHaveValue('dark');
  expect(await background()).toBe(dark);

  await page.getByLabel('Theme').selectOption('system');
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /.+/);
  expect(await background()).toBe(light);
});

test('from a 360 px phone to a wide screen, no page scrolls sideways', async ({ page }) => {
  const pages = ['/users', '/users/paste', `/users/${generated(35)}`, '/users/226000000000000002/grants/70000000000000003', '/settings'];
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/users');
  await signIn(page, 'Personal access token', OWNER_PAT);
  for (const width of [360, 768, 1600]) {
    await page.setViewportSize({ width, height: 800 });
    for (const path of pages) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      // Wide tables scroll inside their own box; the page itself never does.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${path} at ${width} px`).toBeLessThanOrEqual(0);
    }
  }
});
