/** Notifications (issue 12): ports, templates, the outbox and its worker, SMSAPI and SMTP channels. */

export { NOTIFY_CUSTOMER_MIGRATIONS } from "../db/migrations-notify-customers.js";
export { NOTIFY_OFFER_MIGRATIONS } from "../db/migrations-notify-offers.js";
export { NOTIFY_OUTBOX_MIGRATIONS } from "../db/migrations-notify-outbox.js";
export { NOTIFY_TEMPLATE_MIGRATIONS } from "../db/migrations-notify-templates.js";
export * from "./billing-events.js";
export type { DefaultTemplate, DefaultTemplates } from "./default-templates-pl.js";
export { type DeliveryReportsResult, recordDeliveryReports } from "./delivery-reports.js";
export * from "./dispatch.js";
export {
  type EmailBanner,
  type EmailLayoutInput,
  type InlineImage,
  type LaidOutEmail,
  layoutEmail,
  type NoticeBranding,
} from "./email-layout.js";
export {
  COMMON_VARIABLES,
  isNoticeEvent,
  NOTICE_CATALOGUE,
  NOTICE_EVENTS,
  NOTICE_LANGUAGES,
  type NoticeEvent,
  type NoticeEventSpec,
  type NoticeLanguage,
  type NoticeSample,
  type NoticeScalar,
  type NoticeVariable,
  type NoticeVariableType,
  sampleVariables,
} from "./events.js";
export {
  E164,
  NOTICE_STATUSES,
  type Notice,
  type NoticeAttachmentInfo,
  type NoticeAttempt,
  type NoticeAttemptOutcome,
  type NoticeDetail,
  type NoticeStatus,
  recipientProblem,
} from "./notice.js";
export { getNotice, type ListNoticesFilter, listNotices, type NoticePage } from "./notices-read.js";
export { OFFER_VARIABLES } from "./offer-content.js";
export {
  type OfferSegment,
  type PreviewSegmentOptions,
  previewSegment,
  type SegmentCustomer,
  type SegmentPreview,
  type ServiceCondition,
} from "./offer-segments.js";
export {
  cancelOffer,
  createOffer,
  getOffer,
  type ListOffersFilter,
  listOfferRecipients,
  listOffers,
  OFFER_CHANNELS,
  OFFER_STATUSES,
  type Offer,
  type OfferChannel,
  type OfferCounts,
  type OfferInput,
  type OfferPage,
  type OfferRecipient,
  type OfferRecipientPage,
  type OfferStatus,
  type SendOfferOptions,
  type SendOfferResult,
  sendOffer,
  updateOffer,
} from "./offers.js";
export {
  cancelNotice,
  type EmailNoticeInput,
  type EnqueuedNotice,
  type EnqueueManyOptions,
  type EnqueueNoticeInput,
  type EnqueueOptions,
  enqueueNotice,
  enqueueNotices,
  type PhoneNoticeInput,
  type ResendNoticeOptions,
  resendNotice,
  type SmsNoticeInput,
} from "./outbox.js";
export { type NormalizedPhone, normalizePhone } from "./phone.js";
export * from "./ports.js";
export { DEFAULT_QUIET_HOURS, type QuietHours, quietUntil } from "./quiet-hours.js";
export {
  buildCertificateExpiring,
  buildCertificateIssued,
  buildTradeProgress,
  buildTransferProgress,
  TRADE_STAGES,
  TRANSFER_STAGES,
  type TradeStage,
  type TransferStage,
} from "./service-progress.js";
export * from "./settings.js";
export {
  type SmsEncoding,
  type SmsLength,
  type SmsParts,
  smsLength,
  smsParts,
  stripPolish,
  toGsm7,
} from "./sms-text.js";
export {
  parseSmsapiReport,
  SMSAPI_PL_URL,
  SMSAPI_REPORT_ANSWER,
  type SmsapiOptions,
  type SmsapiReceipt,
  type SmsapiReportStatus,
  type SmsapiSmsPort,
  type SmsapiTtsLector,
  type SmsapiVoicePort,
  smsapiChannels,
} from "./smsapi.js";
export {
  classifySmtpError,
  type SmtpEmailPort,
  type SmtpEmailPortOptions,
  type SmtpMessage,
  type SmtpTransporter,
  smtpEmailPort,
} from "./smtp.js";
export { TEMPLATE_HELPERS, type TemplateField } from "./template-syntax.js";
export {
  getTemplate,
  listTemplates,
  type NoticePreview,
  type NoticeTemplate,
  type NoticeTemplateInput,
  type NoticeTemplateKey,
  type PreviewTarget,
  previewTemplate,
  type RenderedNotice,
  type RenderNoticeInput,
  renderNotice,
  resetTemplate,
  saveTemplate,
  type TemplateFilter,
} from "./templates.js";
export {
  UNSUBSCRIBE_ACTOR,
  UNSUBSCRIBE_SECRET_MIN,
  type UnsubscribeOptions,
  type UnsubscribeResult,
  unsubscribe,
  unsubscribeToken,
  unsubscribeUrl,
  verifyUnsubscribeToken,
} from "./unsubscribe.js";
export {
  backoffDelay,
  DEFAULT_OUTBOX_RETRY,
  type OutboxRetryPolicy,
  type RunOutboxOptions,
  type RunOutboxResult,
  runOutbox,
} from "./worker.js";
