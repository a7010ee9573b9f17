/** Every notification route module (issue 12), registered as one entry of ROUTES. */
import type { FastifyInstance } from "fastify";
import type { BridgeContext } from "../app.js";
import { notifyOfferRoutes } from "./notify-offers.js";
import { notifyOutboxRoutes } from "./notify-outbox.js";
import { notifyReportRoutes } from "./notify-reports.js";
import { notifySettingsRoutes } from "./notify-settings.js";
import { notifyTemplateRoutes } from "./notify-templates.js";
import { notifyUnsubscribeRoutes } from "./notify-unsubscribe.js";

export function notifyRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  notifyTemplateRoutes(app, ctx);
  notifyOutboxRoutes(app, ctx);
  notifyReportRoutes(app, ctx);
  notifySettingsRoutes(app, ctx);
  notifyOfferRoutes(app, ctx);
  notifyUnsubscribeRoutes(app, ctx);
}
