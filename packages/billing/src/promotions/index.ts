export {
  CODE_ALPHABET,
  CODE_PATTERN,
  type CreateDiscountCodeInput,
  createDiscountCode,
  type DiscountCode,
  type DiscountCodePage,
  type GenerateDiscountCodesInput,
  type GenerateDiscountCodesOptions,
  type GeneratedDiscountCodes,
  generateDiscountCodes,
  getDiscountCode,
  type ListDiscountCodesInput,
  listDiscountCodes,
  normaliseCode,
} from "./codes.js";
export type { Reason, ReasonCode } from "./conditions.js";
export type {
  AmountEffect,
  PercentEffect,
  PriceEffect,
  Promotion,
  PromotionConditions,
  PromotionEffect,
} from "./model.js";
export {
  type CreatePromotionInput,
  createPromotion,
  deactivatePromotion,
  getPromotion,
  type ListPromotionsInput,
  listPromotions,
  type PromotionEffectInput,
  type PromotionPage,
  type UpdatePromotionInput,
  updatePromotion,
} from "./promotions.js";
