import type { FastifyInstance } from "fastify";
import type { BridgeContext } from "../app.js";
import { domainRoutes } from "./domains.js";
import { systemRoutes } from "./system.js";

/** Every route module, registered in this order. */
export const ROUTES: ((app: FastifyInstance, ctx: BridgeContext) => void)[] = [systemRoutes, domainRoutes];
