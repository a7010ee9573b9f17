import type { FastifyInstance } from "fastify";
import type { BridgeContext } from "../app.js";
import { panelRoutes } from "../panel/index.js";
import { billingRoutes } from "./billing-index.js";
import { certificateRoutes } from "./certificates.js";
import { dashboardRoutes } from "./dashboard.js";
import { domainRoutes } from "./domains.js";
import { framesRoutes } from "./frames.js";
import { notifyRoutes } from "./notify-index.js";
import { pricingRoutes } from "./pricing.js";
import { systemRoutes } from "./system.js";
import { webhookRoutes } from "./webhooks.js";

/** Every route module, registered in this order. */
export const ROUTES: ((app: FastifyInstance, ctx: BridgeContext) => void)[] = [
  systemRoutes,
  domainRoutes,
  dashboardRoutes,
  certificateRoutes,
  pricingRoutes,
  billingRoutes,
  notifyRoutes,
  webhookRoutes,
  panelRoutes,
  framesRoutes,
];
