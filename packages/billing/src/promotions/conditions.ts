/**
 * Whether a promotion's conditions hold, and if not, why — in words a customer or an operator can
 * read ("not for renewals", "minimum order 100,00 zł not reached"). Pure functions: the quote
 * engine gathers the facts from the database and asks these.
 */
import { type Currency, formatMoney, money } from "../money/money.js";
import type { Operation, Promotion, PromotionConditions, ServiceKind } from "./model.js";

/** Stable machine codes of the reasons a promotion did not apply (for translations and tests). */
export type ReasonCode =
  | "outside_dates"
  | "currency"
  | "used_up"
  | "needs_code"
  | "code_expired"
  | "code_used_up"
  | "code_customer_limit"
  | "used_by_customer"
  | "new_customers_only"
  | "existing_customers_only"
  | "min_order"
  | "kind"
  | "operation"
  | "tld"
  | "service"
  | "period"
  | "no_discount"
  | "better_promotion";

export interface Reason {
  reasonCode: ReasonCode;
  reason: string;
}

const reason = (reasonCode: ReasonCode, text: string): Reason => ({ reasonCode, reason: text });

/** The discount code given with a quote, as found in the database. */
export interface CodeFacts {
  code: string;
  promotionId: number;
  expiresAt: Date | null;
  maxUses: number | null;
  uses: number;
  perCustomerLimit: number | null;
  /** Orders of this customer that used the code already. */
  customerUses: number;
}

export interface OrderFacts {
  at: Date;
  currency: Currency;
  /** `customers.first_order_at`. */
  firstOrderAt: Date | null;
  /** Net total of the order before promotions (minor units). */
  listNet: number;
  /** The code given, when it exists (an unknown code is no code at all for the promotions). */
  code: CodeFacts | null;
}

export interface LineFacts {
  kind: ServiceKind;
  operation: Operation;
  tld: string | null;
  serviceCode: string;
  period: number;
}

/** Why a code that exists cannot be used now by this customer, or null when it can. */
export function codeProblem(code: CodeFacts, at: Date): Reason | null {
  if (code.expiresAt && code.expiresAt.getTime() <= at.getTime())
    return reason("code_expired", "code expired");
  if (code.maxUses !== null && code.uses >= code.maxUses) return reason("code_used_up", "code used up");
  if (code.perCustomerLimit !== null && code.customerUses >= code.perCustomerLimit) {
    return reason("code_customer_limit", "code already used by this customer");
  }
  return null;
}

/** A customer is new at `at` when they had not ordered before that moment. */
export function isNewCustomer(firstOrderAt: Date | null, at: Date): boolean {
  return firstOrderAt === null || firstOrderAt.getTime() > at.getTime();
}

/**
 * The conditions that concern the whole order, checked in this order (the first failing one is
 * the reason): dates, currency, total uses, code, once per customer, new/existing customer,
 * minimum order.
 */
export function orderReason(p: Promotion, customerUses: number, order: OrderFacts): Reason | null {
  const t = order.at.getTime();
  if ((p.startsAt && t < p.startsAt.getTime()) || (p.endsAt && t >= p.endsAt.getTime())) {
    return reason("outside_dates", "outside its dates");
  }
  const c = p.conditions;
  if (c.currency && c.currency !== order.currency) {
    return reason("currency", `only for prices in ${c.currency}`);
  }
  if (p.maxUses !== null && p.uses >= p.maxUses) return reason("used_up", "used up");
  if (p.requiresCode) {
    if (!order.code || order.code.promotionId !== p.id) return reason("needs_code", "needs code");
    const problem = codeProblem(order.code, order.at);
    if (problem) return problem;
  }
  if (p.oncePerCustomer && customerUses > 0)
    return reason("used_by_customer", "already used by this customer");
  if (c.customers === "new" && !isNewCustomer(order.firstOrderAt, order.at)) {
    return reason("new_customers_only", "only for new customers");
  }
  if (c.customers === "existing" && isNewCustomer(order.firstOrderAt, order.at)) {
    return reason("existing_customers_only", "only for existing customers");
  }
  if (c.minOrderNet !== undefined && order.listNet < c.minOrderNet) {
    return reason(
      "min_order",
      `minimum order ${formatMoney(money(c.minOrderNet, order.currency))} not reached`,
    );
  }
  return null;
}

const KIND_WORDS: Record<ServiceKind, string> = {
  domain: "domains",
  option: "domain options",
  ssl: "SSL certificates",
  hosting: "hosting",
};

const OPERATION_WORDS: Record<Operation, string> = {
  register: "registrations",
  renew: "renewals",
  transfer: "transfers",
  trade: "trades (change of registrant)",
  create: "new options, certificates or hosting",
};

/** The conditions that concern one line, in this order: kind, operation, TLD, service, period. */
export function lineReason(c: PromotionConditions, line: LineFacts): Reason | null {
  if (c.kinds && !c.kinds.includes(line.kind)) return reason("kind", `not for ${KIND_WORDS[line.kind]}`);
  if (c.operations && !c.operations.includes(line.operation)) {
    return reason("operation", `not for ${OPERATION_WORDS[line.operation]}`);
  }
  if (c.tlds && (line.tld === null || !c.tlds.includes(line.tld))) {
    return reason(
      "tld",
      line.tld === null ? "only for domains and options of some TLDs" : `not for .${line.tld}`,
    );
  }
  if (c.serviceCodes && !c.serviceCodes.includes(line.serviceCode)) {
    return reason("service", `not for ${line.serviceCode}`);
  }
  if (c.periods && !c.periods.includes(line.period)) {
    return reason("period", `not for ${line.period}-year periods`);
  }
  return null;
}

export const NO_DISCOUNT: Reason = reason("no_discount", "gives no discount on these items");
export const BETTER_PROMOTION: Reason = reason("better_promotion", "another promotion gave a better price");

/** How far a promotion got: the furthest reason across lines is the one reported. */
export function reasonStage(r: ReasonCode): number {
  if (r === "better_promotion") return 3;
  if (r === "no_discount") return 2;
  if (r === "kind" || r === "operation" || r === "tld" || r === "service" || r === "period") return 1;
  return 0;
}
