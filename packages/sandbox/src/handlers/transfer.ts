import type { Handler } from "./common.js";

/** Handlers for domain/authInfoCheck, transfer, transferStatus, transferRegistrantEmail, trade*, tradeGetPw, tradeInnerGetPw, keyed by `module/method`. */
export const transferHandlers: Record<string, Handler> = {};
