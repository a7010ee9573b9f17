export {
  applyPromotions,
  type EngineDiscount,
  type EngineLine,
  type EngineLineResult,
  type EnginePromotion,
  type EngineResult,
  firstYearShare,
} from "./engine.js";
export {
  type AppliedPromotion,
  type CodeReasonCode,
  type NotAppliedPromotion,
  NotOfferedError,
  type Quote,
  type QuoteCode,
  type QuoteDiscount,
  type QuoteInput,
  type QuoteItem,
  type QuoteLine,
  type QuoteTotals,
  quote,
} from "./quote.js";
export { type RedeemQuoteInput, type RedeemResult, type Redemption, redeemQuote } from "./redeem.js";
