import { certHandlers } from "./cert.js";
import type { Handler } from "./common.js";
import { coreHandlers } from "./core.js";
import { dnsHandlers } from "./dns.js";
import { futureHandlers } from "./future.js";
import { partnerHandlers } from "./partner.js";
import { transferHandlers } from "./transfer.js";

export { availability, type Handler, MESSAGES, SandboxRefusal } from "./common.js";

/** Every handler by `module/method`; each feature lives in its own file. */
export const handlers: Record<string, Handler> = {
  ...coreHandlers,
  ...transferHandlers,
  ...dnsHandlers,
  ...futureHandlers,
  ...certHandlers,
  ...partnerHandlers,
};
