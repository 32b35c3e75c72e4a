import { createHash } from 'node:crypto';
import { test as base, expect, type APIResponse, type Page } from '@playwright/test';

/** Set by `cargo xtask test hosting`; see playwright.config.ts. */
export const NGINX_URL = required('NGINX_URL');
export const SUB_PATH_URL = required('NGINX_SUB_PATH_URL');
export const SANDBOX_URL = required('SANDBOX_URL');
/** The Weavr API key nginx adds: the page must never see it. */
export const WEAVR_API_KEY = required('WEAVR_API_KEY');

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run \`cargo xtask test hosting\``);
  return value;
}

export interface Guard {
  /** Content-Security-Policy violations the page reported, on any page of the test. */
  violations: string[];
  /** Console messages about CSP or Permissions-Policy, uncaught errors. */
  problems: string[];
  /** Responses the page received that carry the Weavr api-key (header or body). */
  leaks: string[];
  /** Response checks still reading a body. */
  pending: Promise<void>[];
}

/**
 * Every test of this project runs under a guard that fails it when any page it
 * opens reports a CSP violation, logs a policy error, or receives the api-key.
 */
export const test = base.extend<{ guard: Guard }>({
  guard: [
    async ({ page }, use) => {
      const guard: Guard = { violations: [], problems: [], leaks: [], pending: [] };
      await watch(page, guard);
      await use(guard);
      await Promise.all(guard.pending);
      expect(guard.violations, 'CSP violations').toEqual([]);
      expect(guard.problems, 'policy errors in the console').toEqual([]);
      expect(guard.leaks, 'responses that carry the api-key').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

async function watch(page: Page, guard: Guard): Promise<void> {
  // A binding, not a page variable: it survives navigations, and CSP cannot block it.
  await page.exposeBinding('__reportViolation', (_source, text: string) => {
    guard.violations.push(text);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __reportViolation: (t: string) => void }).__reportViolation;
      report(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.documentURI}` +
        `${e.sample ? ` [${e.sample}]` : ''}${e.disposition === 'report' ? ' (report-only)' : ''}`);
    });
  });
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content.Security.Policy|Permissions.Policy|Refused to/i.test(text)) {
      guard.problems.push(`console.${msg.type()}: ${text}`);
    }
  });
  page.on('pageerror', (err) => guard.problems.push(`uncaught: ${err.message}`));
  page.on('response', (response) => {
    guard.pending.push((async () => {
      const headers = await response.allHeaders().catch(() => ({}) as Record<string, string>);
      for (const [name, value] of Object.entries(headers)) {
        if (name.toLowerCase() === 'api-key' || value.includes(WEAVR_API_KEY)) {
          guard.leaks.push(`${response.url()}: header ${name}`);
        }
      }
      if (/json|text|javascript|html/.test(headers['content-type'] ?? '')) {
        // A body the page never reads may never finish loading: give up after a while,
        // and say so rather than pass unchecked.
        const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000));
        const body = await Promise.race([response.text().catch(() => ''), timeout]);
        if (body === null) guard.leaks.push(`${response.url()}: body not readable to check`);
        else if (body.includes(WEAVR_API_KEY)) guard.leaks.push(`${response.url()}: body`);
      }
    })());
  });
}

/** The headers every answer of the console's nginx server carries, errors included. */
export function expectSecurityHeaders(response: APIResponse, what: string): void {
  const h = response.headers();
  expect(h['x-content-type-options'], `${what}: X-Content-Type-Options`).toBe('nosniff');
  expect(h['referrer-policy'], `${what}: Referrer-Policy`).toBe('no-referrer');
  expect(h['x-frame-options'], `${what}: X-Frame-Options`).toBe('DENY');
  expect(h['cross-origin-opener-policy'], `${what}: COOP`).toBe('same-origin');
  expect(h['cross-origin-resource-policy'], `${what}: CORP`).toBe('same-origin');
  const permissions = h['permissions-policy'] ?? '';
  for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb']) {
    expect(permissions, `${what}: Permissions-Policy ${feature}`).toContain(`${feature}=()`);
  }
  const csp = h['content-security-policy'];
  expect(csp, `${what}: Content-Security-Policy`).toBeTruthy();
  expect(h['content-security-policy-report-only'], `${what}: enforced, not report-only`).toBeUndefined();
  const directives = parseCsp(csp);
  expect(directives.get('frame-ancestors'), `${what}: frame-ancestors`).toEqual(["'none'"]);
  expect(directives.get('default-src'), `${what}: default-src`).toEqual(["'none'"]);
  expect(h['server'] ?? '', `${what}: no version in Server`).not.toMatch(/\d/);
}

/** `a b; c d e` -> Map{a: [b], c: [d, e]} */
export function parseCsp(csp: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  return directives;
}

/** The CSP source browsers compute for an inline script: 'sha256-<base64>'. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    hashes.push(`'sha256-${createHash('sha256').update(match[1].replace(/\r\n?/g, '\n')).digest('base64')}'`);
  }
  return hashes;
}

/** The hashed files index.html loads: `{js, wasm, css}` paths (trunk's hash has no leading zeros). */
export function assetPaths(html: string): { js: string; wasm: string; css: string } {
  const find = (re: RegExp, what: string) => {
    const m = html.match(re);
    if (!m) throw new Error(`index.html names no ${what}`);
    return m[1];
  };
  return {
    js: find(/href="([^"]+-[0-9a-f]{1,16}\.js)"/, 'JS'),
    wasm: find(/href="([^"]+-[0-9a-f]{1,16}_bg\.wasm)"/, 'wasm'),
    css: find(/href="([^"]+-[0-9a-f]{1,16}\.css)"/, 'stylesheet'),
  };
}
