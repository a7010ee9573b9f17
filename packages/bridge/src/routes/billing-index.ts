/** Every billing route module (issue 11), registered as one entry of ROUTES. */
import type { FastifyInstance } from "fastify";
import type { BridgeContext } from "../app.js";
import { billingAuditRoutes } from "./billing-audit.js";
import { billingCatalogRoutes } from "./billing-catalog.js";
import { billingCustomerRoutes } from "./billing-customers.js";
import { billingInvoiceRoutes } from "./billing-invoices.js";
import { billingPaymentRoutes } from "./billing-payments.js";
import { billingPriceRoutes } from "./billing-prices.js";
import { billingProformaRoutes } from "./billing-proformas.js";
import { billingPromotionRoutes } from "./billing-promotions.js";
import { billingQuoteRoutes } from "./billing-quotes.js";
import { billingSettingRoutes } from "./billing-settings.js";

export function billingRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  billingCustomerRoutes(app, ctx);
  billingQuoteRoutes(app, ctx);
  billingCatalogRoutes(app, ctx);
  billingPriceRoutes(app, ctx);
  billingPromotionRoutes(app, ctx);
  billingProformaRoutes(app, ctx);
  billingPaymentRoutes(app, ctx);
  billingInvoiceRoutes(app, ctx);
  billingSettingRoutes(app, ctx);
  billingAuditRoutes(app, ctx);
}
