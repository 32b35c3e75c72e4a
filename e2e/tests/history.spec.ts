import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { OWNER_PAT, action, generated, signIn, subjectBadge, watchConsole } from './helpers';

/** Serious and critical axe-core violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The history row of the newest change of type `eventType`. */
function historyRow(page: Page, eventType: string) {
  return page.getByTestId('history-table').locator(`tbody tr[data-event-type="${eventType}"]`).first();
}

// The sandbox's ZITADEL v2 connection records reasons (public/config.json `recordReasons`).
test('a reason given for a deactivation is kept by the server and shown next to the change', async ({ page }) => {
  const errors = watchConsole(page);
  const id = generated(50);
  await page.goto(`/users/${id}`);
  await signIn(page, 'Personal access token', OWNER_PAT);
  await expect(subjectBadge(page)).toHaveText('Active');
  await expect(historyRow(page, 'user.human.added')).toContainText('Person added');

  await action(page, 'Deactivate').click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('reason-hint')).toContainText('lifecycle-console.reasons');
  await dialog.getByLabel('Reason (optional)').fill('Left the company');
  await dialog.getByRole('button', { name: 'Deactivate', exact: true }).click();
  await expect(subjectBadge(page)).toHaveText('Inactive');

  const deactivated = historyRow(page, 'user.deactivated');
  await expect(deactivated).toContainText('User deactivated');
  await expect(deactivated.getByTestId('history-reason')).toHaveText('Left the company');
  // The editor is the signed-in admin, a user the console can open.
  await expect(deactivated.getByRole('link')).toHaveText(/.+/);
  await expect(page.getByTestId('reason-not-kept')).toHaveCount(0);

  // Kept by the server, not by this page: a reload shows it again.
  await page.reload();
  await expect(subjectBadge(page)).toHaveText('Inactive');
  await expect(historyRow(page, 'user.deactivated').getByTestId('history-reason')).toHaveText('Left the company');

  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await seriousViolations(page), `user page with history, ${colorScheme}`).toEqual([]);
  }

  // In German: the server's texts for the changes, and the same reason.
  await page.getByLabel('Language').selectOption('de');
  await expect(subjectBadge(page)).toHaveText('Inaktiv');
  await expect(page.getByRole('heading', { name: 'Verlauf' })).toBeVisible();
  const inGerman = historyRow(page, 'user.deactivated');
  await expect(inGerman).toContainText('Benutzer deaktiviert');
  await expect(inGerman.getByTestId('history-reason')).toHaveText('Left the company');
  expect(await seriousViolations(page), 'user page with history, German').toEqual([]);
  await page.getByLabel('Sprache').selectOption('en');

  // The editor's link opens their own page, with their own history.
  await historyRow(page, 'user.deactivated').getByRole('link').click();
  await expect(page).toHaveURL(/\/users\/226000000000000100$/);
  await expect(page.getByTestId('history-table')).toBeVisible();
  await expect(page.getByTestId('history-table').getByText('Left the company')).toHaveCount(0);
  expect(errors).toEqual([]);
});
