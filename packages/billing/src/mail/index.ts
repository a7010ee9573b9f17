export { type ComposedMail, composeDocumentMail, type DocumentMailKind } from "./compose.js";
export {
  type MailTransport,
  type MailTransporter,
  type OutboundMessage,
  type OutboundStatus,
  type OutgoingMail,
  pendingMessages,
  type ResendOptions,
  resendMessage,
  type SendDocumentInput,
  type SmtpOptions,
  STALE_ATTEMPT_MINUTES,
  sendDocument,
} from "./send.js";
