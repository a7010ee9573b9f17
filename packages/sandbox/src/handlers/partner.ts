import type { Handler } from "./common.js";

/** Handlers for partner/resendTradeMail, getKeys, setKey, contact*; news/*, keyed by `module/method`. */
export const partnerHandlers: Record<string, Handler> = {};
