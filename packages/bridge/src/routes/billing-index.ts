/** Every billing route module (issue 11), registered as one entry of ROUTES. */
import type { FastifyInstance } from "fastify";
import type { BridgeContext } from "../app.js";
import { billingCustomerRoutes } from "./billing-customers.js";
import { billingQuoteRoutes } from "./billing-quotes.js";

export function billingRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  billingCustomerRoutes(app, ctx);
  billingQuoteRoutes(app, ctx);
}
