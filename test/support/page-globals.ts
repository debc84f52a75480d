import type { Page } from 'playwright-core';

/**
 * The browser globals the console tests read inside the page. That code runs in Chromium, but it
 * is type-checked with the Node project, which has no DOM library (only console/ has one): these
 * few shapes are the boundary. Page functions are serialized into the page, so they reach its
 * globals through `globalThis`, never through a Node closure.
 */
export interface PageGlobals {
  navigator: { clipboard: { readText(): Promise<string> } };
  localStorage: Record<string, string>;
  sessionStorage: Record<string, string>;
  location: { hash: string };
  innerWidth: number;
  document: {
    activeElement: { textContent: string | null } | null;
    scrollingElement: { scrollWidth: number } | null;
    querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>;
  };
}

export function clipboardText(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.readText());
}

/** The text of the focused element, undefined when nothing has focus. */
export function focusedText(page: Page): Promise<string | null | undefined> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.textContent);
}

/** Everything in localStorage and sessionStorage, as one string to search. */
export function webStorageText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const { localStorage, sessionStorage } = globalThis as unknown as PageGlobals;
    return JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage });
  });
}

/** How wide the page's content is against the viewport: wider means sideways scrolling. */
export function pageWidths(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => {
    const { document, innerWidth } = globalThis as unknown as PageGlobals;
    return { scrollWidth: document.scrollingElement!.scrollWidth, innerWidth };
  });
}
