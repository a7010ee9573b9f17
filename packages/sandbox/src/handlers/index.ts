import { certHandlers } from "./cert.js";
import type { Handler } from "./common.js";
import { coreHandlers } from "./core.js";
import { dnsHandlers } from "./dns.js";
import { futureHandlers } from "./future.js";
import { partnerHandlers } from "./partner.js";
import { transferHandlers } from "./transfer.js";

export { availability, type Handler, MESSAGES, SandboxRefusal } from "./common.js";

/**
 * Every handler by `module/method`; each feature lives in its own file. A null-prototype table,
 * frozen: an operation named `constructor`, `toString` or `__proto__` must find nothing, not
 * `Object` (which handed back the whole state) or another built-in.
 */
export const handlers: Readonly<Record<string, Handler>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, Handler>, {
    ...coreHandlers,
    ...transferHandlers,
    ...dnsHandlers,
    ...futureHandlers,
    ...certHandlers,
    ...partnerHandlers,
  }),
);

/** The handler of `operation`, if the sandbox has one of its own (never an inherited property). */
export function handlerFor(operation: string): Handler | undefined {
  return Object.hasOwn(handlers, operation) ? handlers[operation] : undefined;
}
