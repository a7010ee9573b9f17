import type { Handler } from "./common.js";

/** Handlers for domain/future* (.pl domain options), keyed by `module/method`. */
export const futureHandlers: Record<string, Handler> = {};
