import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { OWNER_PAT, generated, signIn, watchConsole } from './helpers';

/** The owner token's own user (sandbox/src/seed/directory.rs, CONSOLE_ADMIN). */
const CONSOLE_ADMIN = '226000000000000100';
/** Chip and Dale share this address (sandbox/src/seed.rs, SHARED_EMAIL). */
const CHIP = '226000000000000016';
const DALE = '226000000000000017';

async function stateOf(page: Page, id: string): Promise<string> {
  const response = await page.request.get(`/v2/users/${id}`, { headers: { Authorization: `Bearer ${OWNER_PAT}` } });
  expect(response.ok()).toBeTruthy();
  return (await response.json()).user.state;
}

async function downloaded(page: Page, click: () => Promise<void>): Promise<string> {
  const download = page.waitForEvent('download');
  await click();
  return readFile(await (await download).path(), 'utf8');
}

test('a pasted list: dry run, confirm, run, outcome file, and the server agrees', async ({ page }) => {
  const errors = watchConsole(page);
  const [byId, byLoginName, inactive] = [generated(51), generated(55), generated(56)];
  await page.goto('/users');
  await signIn(page, 'Personal access token', OWNER_PAT);
  await page.getByRole('link', { name: 'Offboard a list of users' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Offboard a list of users');

  const list = [
    byId,
    'DONALD.hopper.55@globex.example.com, nobody@nowhere.example',
    inactive,
    'Rescue-Rangers@acme.example.com',
    CONSOLE_ADMIN,
    byId.slice(0, -1), // a prefix of an id is no match
  ].join('\n');
  await page.getByLabel('Users to offboard').fill(list);
  await page.getByRole('button', { name: 'Check the list' }).click();

  const plan = page.getByTestId('plan');
  await expect(page.getByTestId('plan-summary')).toHaveText('2 of 7 lines would deactivate a user; 5 would not be sent.');
  const verdict = (line: number) => plan.locator(`tr[data-line="${line}"]`);
  await expect(verdict(1)).toHaveAttribute('data-verdict', 'will_deactivate');
  await expect(verdict(2)).toHaveAttribute('data-verdict', 'will_deactivate');
  await expect(verdict(3)).toHaveAttribute('data-verdict', 'not_found');
  await expect(verdict(4)).toHaveAttribute('data-verdict', 'already_inactive');
  await expect(verdict(5)).toContainText('Ambiguous: 2 users match');
  await expect(verdict(6)).toContainText('Your own user: not deactivated');
  await expect(verdict(7)).toHaveAttribute('data-verdict', 'not_found');
  // Nothing is written by the dry run.
  expect(await stateOf(page, byId)).toBe('USER_STATE_ACTIVE');

  await page.getByRole('button', { name: 'Deactivate 2 users' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading')).toHaveText('Deactivate 2 selected users?');
  await dialog.getByRole('button', { name: 'Deactivate', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveText('Finished: 2 done, 0 skipped, 0 failed, 0 not sent');
  await expect(verdict(1).getByTestId('outcome')).toHaveText('Done');
  await expect(verdict(2).getByTestId('outcome')).toHaveText('Done');

  const file = await downloaded(page, () => page.getByRole('button', { name: 'Download the outcome (CSV)' }).click());
  expect(file.startsWith('\uFEFFline,input,user_id,user,plan,outcome,detail\r\n')).toBeTruthy();
  const rows = file.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
  expect(rows).toHaveLength(8);
  expect(rows[1]).toBe(`1,${byId},${byId},Tim Hopper,will_deactivate,deactivated,`);
  expect(rows[5]).toContain(',ambiguous,skipped,');
  expect(rows[6]).toContain(`${CONSOLE_ADMIN},${CONSOLE_ADMIN},Console Admin,own_user,skipped,`);

  // The server's state afterwards, read through the API.
  expect(await stateOf(page, byId)).toBe('USER_STATE_INACTIVE');
  expect(await stateOf(page, byLoginName)).toBe('USER_STATE_INACTIVE');
  expect(await stateOf(page, inactive)).toBe('USER_STATE_INACTIVE');
  for (const id of [CONSOLE_ADMIN, CHIP, DALE]) expect(await stateOf(page, id)).toBe('USER_STATE_ACTIVE');
  expect(errors).toEqual([]);
});

test('the users list exports as it is filtered, as RFC 4180 CSV', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/users?q=rescue&sort=username&order=desc');
  await signIn(page, 'Personal access token', OWNER_PAT);
  await expect(page.locator('tbody tr')).toHaveCount(2);
  const file = await downloaded(page, () => page.getByRole('button', { name: 'Export as CSV' }).click());
  await expect(page.getByTestId('export-status')).toHaveText('Exported 2 users.');
  expect(file).toMatch(/^\uFEFFid,user_name,name,login_name,email,state,changed\r\n/);
  const rows = file.replace(/^\uFEFF/, '').trimEnd().split('\r\n').map((r) => r.split(','));
  expect(rows.map((r) => r.slice(0, 6))).toEqual([
    ['id', 'user_name', 'name', 'login_name', 'email', 'state'],
    [DALE, 'dale', 'Dale Rescue', 'dale@acme.example.com', 'rescue-rangers@acme.example.com', 'active'],
    [CHIP, 'chip', 'Chip Rescue', 'chip@acme.example.com', 'rescue-rangers@acme.example.com', 'active'],
  ]);
  expect(errors).toEqual([]);
});
