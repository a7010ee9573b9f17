import type { Handler } from "./common.js";

/** Handlers for cert/* (SSL certificates), keyed by `module/method`. */
export const certHandlers: Record<string, Handler> = {};
