import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { OWNER_PAT, action, generated, signIn, subjectBadge } from './helpers';

// English and German ship; the journeys elsewhere run in English (playwright.config.ts).
// English is in the bundle, German is downloaded when chosen.

test('the admin switches to German: texts, dates and <html lang> follow, actions work, the pick is kept', async ({ page }) => {
  const id = generated(39);
  await page.goto(`/users/${id}`);
  await signIn(page, 'Personal access token', OWNER_PAT);
  await expect(subjectBadge(page)).toHaveText('Active');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  const changedInEnglish = await page.locator('dd time').last().textContent();

  await page.getByLabel('Language').selectOption('de');
  await expect(subjectBadge(page)).toHaveText('Aktiv');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByRole('link', { name: 'Einstellungen' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Berechtigungen' })).toBeVisible();
  // Dates through Intl in German: "1. Nov. 2026, 09:45:49 · vor 21 Tagen".
  const changed = page.locator('dd time').last();
  await expect(changed).toContainText('vor ');
  await expect(changed).not.toHaveText(changedInEnglish ?? '');
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  // A destructive action, confirmed in German.
  const name = (await page.getByRole('heading', { level: 1 }).textContent())?.trim();
  await action(page, 'Deaktivieren').click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading')).toHaveText(`${name} deaktivieren?`);
  await dialog.getByRole('button', { name: 'Deaktivieren', exact: true }).click();
  await expect(subjectBadge(page)).toHaveText('Inaktiv');
  await expect(page.getByRole('status')).toContainText('inaktiv');
  await action(page, 'Reaktivieren').click();
  await expect(subjectBadge(page)).toHaveText('Aktiv');

  // Kept in this browser: a reload, and the list, are still German.
  await page.reload();
  await expect(subjectBadge(page)).toHaveText('Aktiv');
  await page.goto('/users');
  await expect(page.getByRole('heading', { name: 'Benutzer', level: 1 })).toBeVisible();
  await expect(page.getByRole('columnheader', { name: 'Status' })).toBeVisible();

  await page.getByLabel('Sprache').selectOption('en');
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test.describe('a browser that prefers German', () => {
  test.use({ locale: 'de-DE' });

  test('gets the console in German from the first page, without choosing', async ({ page }) => {
    await page.goto('/users');
    await expect(page.getByRole('heading', { name: /^Bei .* anmelden$/ })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    await page.getByLabel('Persönliches Zugriffstoken').fill(OWNER_PAT);
    await page.getByRole('button', { name: 'Mit dem Token anmelden', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Benutzer', level: 1 })).toBeVisible();
  });
});

test('a language is downloaded once: kept for reloads without the network, and a failed download leaves the console usable', async ({ page }) => {
  const id = generated(40);
  await page.goto(`/users/${id}`);
  await signIn(page, 'Personal access token', OWNER_PAT);
  await expect(subjectBadge(page)).toHaveText('Active');

  // The German texts cannot be downloaded: the console stays in English and says why.
  await page.route('**/locales/**', (route) => route.abort());
  await page.getByLabel('Language').selectOption('de');
  await expect(page.getByRole('alert').filter({ hasText: 'Deutsch could not be loaded' })).toBeVisible();
  await expect(page.getByLabel('Language')).toHaveValue('en');
  await expect(subjectBadge(page)).toHaveText('Active');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  // Downloaded once, German needs the network no more: not on reload, not to switch back.
  await page.unroute('**/locales/**');
  await page.getByLabel('Language').selectOption('de');
  await expect(subjectBadge(page)).toHaveText('Aktiv');
  await page.route('**/locales/**', (route) => route.abort());
  await page.reload();
  await expect(subjectBadge(page)).toHaveText('Aktiv');
  await page.getByLabel('Sprache').selectOption('en');
  await expect(subjectBadge(page)).toHaveText('Active');
  await page.getByLabel('Language').selectOption('de');
  await expect(subjectBadge(page)).toHaveText('Aktiv');
  await expect(page.getByRole('alert').filter({ hasText: 'could not be loaded' })).toHaveCount(0);
});
