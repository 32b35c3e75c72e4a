import type { Page } from '@playwright/test';
import { OWNER_PAT, signIn } from '../tests/helpers';
import { NGINX_URL, SANDBOX_URL, SUB_PATH_URL, expect, test } from './fixtures';

const USER = '226000000000000002';
const GRANT = '70000000000000003';

/** Every request the page makes goes to `prefix` on nginx, or to the sandbox's API. */
function watchRequests(page: Page, prefix: string): string[] {
  const stray: string[] = [];
  const nginx = new URL(prefix).origin;
  page.on('request', (request) => {
    const url = new URL(request.url());
    const path = url.pathname;
    if (url.origin === SANDBOX_URL) return;
    if (url.origin === nginx && (path.startsWith(new URL(prefix).pathname) || path.startsWith('/weavr/'))) return;
    stray.push(request.url());
  });
  return stray;
}

/** Links in the page point inside the app's public URL (the router's base = trunk's). */
async function expectLinksUnder(page: Page, prefix: string): Promise<void> {
  const hrefs = await page.locator('a[href]').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
  for (const href of hrefs) {
    const url = new URL(href);
    if (url.origin !== new URL(prefix).origin) continue;
    expect(url.pathname, `link ${href}`).toMatch(new RegExp(`^${new URL(prefix).pathname}`));
  }
}

for (const [where, base] of [['/', `${NGINX_URL}/`], ['/admin/', SUB_PATH_URL]] as const) {
  test(`deep links survive a reload at ${where}`, async ({ page }) => {
    const stray = watchRequests(page, base);

    // A deep link opened cold: the app starts, asks to sign in, and comes back.
    await page.goto(`${base}users/${USER}`);
    await expect(page).toHaveURL(new RegExp(`^${base}sign-in\\?next=`));
    await signIn(page, 'Personal access token', OWNER_PAT);
    await expect(page).toHaveURL(`${base}users/${USER}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mickey Mouse');
    await expectLinksUnder(page, base);

    await page.reload();
    await expect(page).toHaveURL(`${base}users/${USER}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mickey Mouse');

    // A grant, two levels deeper, opened and reloaded.
    await page.goto(`${base}users/${USER}/grants/${GRANT}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Grant for Portal');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Grant for Portal');
    await expectLinksUnder(page, base);

    await page.goto(`${base}settings`);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await page.reload();
    await expect(page).toHaveURL(`${base}settings`);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

    // The list with its query, and a link followed inside the app.
    await page.goto(`${base}users?q=mickey`);
    await expect(page.getByRole('link', { name: 'Mickey Mouse' })).toBeVisible();
    await page.reload();
    await page.getByRole('link', { name: 'Mickey Mouse' }).click();
    await expect(page).toHaveURL(`${base}users/${USER}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mickey Mouse');

    expect(stray, 'requests outside the app and its APIs').toEqual([]);
  });
}
