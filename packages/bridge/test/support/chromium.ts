/**
 * Debian's Chromium for the browser tests, driven by playwright-core (no browser download).
 * The tests skip only on a machine without it outside CI; in CI (which apt-installs it) a missing
 * browser fails them.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";

/** Whether the browser tests run here. */
export const chromiumRunnable = existsSync(CHROMIUM) || Boolean(process.env.CI);

/**
 * Headless, as root without the sandbox; background networking, component updates and sync off:
 * without them Chromium keeps trying to reach Google's hosts, which this closed network refuses.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
