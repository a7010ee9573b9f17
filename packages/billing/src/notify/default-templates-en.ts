/**
 * The built-in English notices, for customers whose language is English. Same events, channels
 * and variables as the Polish set (default-templates-pl.ts); values such as amounts and dates
 * arrive preformatted by the caller.
 */
import type { DefaultTemplates } from "./default-templates-pl.js";

const SIGN_HTML = "<p>Kind regards,<br>{{sellerName}}</p>";
const SIGN_TEXT = "Kind regards,\n{{sellerName}}";

const KIND =
  '{{#if (eq serviceKind "domain")}}domain{{else if (eq serviceKind "option")}}domain option' +
  '{{else if (eq serviceKind "ssl")}}SSL certificate{{else}}hosting plan{{/if}}';
const KIND_CAPITAL = KIND.replace("}}domain{{", "}}Domain{{")
  .replace("}}domain option{{", "}}Domain option{{")
  .replace("}}hosting plan{{", "}}Hosting plan{{");
const DAYS =
  "{{#if (eq daysLeft 0)}}today{{else if (eq daysLeft 1)}}tomorrow{{else}}in {{daysLeft}} days{{/if}}";
const CONTACT_PHONE =
  "{{#if sellerPhone}} If you have any questions, please call us on {{sellerPhone}}.{{/if}}";

const TRANSFER_STAGE =
  '{{#if (eq stage "started")}}started{{else if (eq stage "awaiting-confirmation")}}awaiting confirmation' +
  '{{else if (eq stage "completed")}}completed{{else}}failed{{/if}}';
const TRADE_STAGE =
  '{{#if (eq stage "started")}}started{{else if (eq stage "awaiting-acceptance")}}awaiting acceptance' +
  '{{else if (eq stage "completed")}}completed{{else}}failed{{/if}}';

const PROFORMA_INTRO =
  '{{#if (eq variant "order")}}thank you for your order. We have issued a proforma invoice for it.' +
  '{{else if (eq variant "renewal")}}your services are coming up for renewal, so we have issued a proforma invoice to renew them.' +
  "{{else}}we have issued a proforma invoice for you.{{/if}}";

const CELL = "padding:6px 0;border-bottom:1px solid #e5e7eb;";
const CELL_AMOUNT = "padding:6px 0 6px 12px;border-bottom:1px solid #e5e7eb;white-space:nowrap;";

export const DEFAULT_TEMPLATES_EN: DefaultTemplates = {
  "proforma.issued": {
    email: {
      subject: "Proforma invoice {{proformaNumber}}: {{amountToPay}} due by {{dueDate}}",
      html: `<p>Hello,</p>
<p>${PROFORMA_INTRO}</p>
<p>Proforma invoice <strong>{{proformaNumber}}</strong> of {{issueDate}}<br>Customer: {{customerName}}</p>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;margin:0 0 16px 0;">
{{#each items}}
<tr><td style="${CELL}">{{name}}</td><td align="right" style="${CELL_AMOUNT}">{{amountGross}}</td></tr>
{{/each}}
<tr><td style="padding:8px 0;"><strong>Total (gross)</strong></td><td align="right" style="padding:8px 0 8px 12px;white-space:nowrap;"><strong>{{amountGross}}</strong></td></tr>
</table>
<p>Please pay <strong>{{amountToPay}}</strong> by {{dueDate}}:<br>
bank account: {{bankAccount}}<br>
payment reference: {{transferTitle}}</p>
{{#if paymentUrl}}{{button paymentUrl "Pay online"}}{{/if}}
<p>A proforma is not a VAT invoice: we will issue the VAT invoice once your payment arrives.</p>
${SIGN_HTML}`,
      text: `Hello,

${PROFORMA_INTRO}

Proforma invoice {{proformaNumber}} of {{issueDate}}
Customer: {{customerName}}

{{#each items}}
- {{name}}: {{amountGross}}
{{/each}}
Total (gross): {{amountGross}}

Please pay {{amountToPay}} by {{dueDate}}
bank account: {{bankAccount}}
payment reference: {{transferTitle}}
{{#if paymentUrl}}Pay online: {{paymentUrl}}{{/if}}

A proforma is not a VAT invoice: we will issue the VAT invoice once your payment arrives.

${SIGN_TEXT}`,
    },
    sms: {
      text: "Proforma {{proformaNumber}}: please pay {{amountToPay}} by {{dueDate}}. {{#if paymentUrl}}Pay online: {{paymentUrl}}{{else}}Details: {{panelUrl}}{{/if}}",
    },
  },

  "renewal.reminder": {
    email: {
      subject: `Your ${KIND} {{serviceName}} expires ${DAYS}`,
      html: `<p>Hello,</p>
<p>Your ${KIND} <strong>{{serviceName}}</strong> expires on {{expiresOn}} (${DAYS}). To avoid any interruption, please renew it before then.</p>
{{#if (eq serviceKind "domain")}}<p>Once the domain expires, the website and e-mail on it stop working.</p>{{/if}}
{{#if renewalPrice}}<p>Renewal price: <strong>{{renewalPrice}}</strong>{{#if proformaNumber}} (proforma invoice {{proformaNumber}}){{/if}}.</p>{{/if}}
{{button renewUrl "Renew now"}}
<p>If you no longer need it, simply ignore this message.</p>
${SIGN_HTML}`,
      text: `Hello,

Your ${KIND} {{serviceName}} expires on {{expiresOn}} (${DAYS}). To avoid any interruption, please renew it before then.
{{#if (eq serviceKind "domain")}}Once the domain expires, the website and e-mail on it stop working.{{/if}}
{{#if renewalPrice}}Renewal price: {{renewalPrice}}{{#if proformaNumber}} (proforma invoice {{proformaNumber}}){{/if}}.{{/if}}

Renew now: {{renewUrl}}

If you no longer need it, simply ignore this message.

${SIGN_TEXT}`,
    },
    sms: {
      text: `${KIND_CAPITAL} {{serviceName}} expires {{expiresOn}} (${DAYS}). Renew: {{renewUrl}}`,
    },
    phone: {
      text: `Hello, this is an automated message from {{sellerName}}: your ${KIND} {{serviceName}} expires on {{expiresOn}}, ${DAYS}. To avoid any interruption, please renew it in the customer panel.${CONTACT_PHONE} Thank you.`,
    },
  },

  "payment.received": {
    email: {
      subject: "We have received your payment of {{amount}}",
      html: `<p>Hello,</p>
<p>thank you: on {{receivedOn}} we booked your payment of <strong>{{amount}}</strong>{{#if proformaNumber}} for proforma invoice {{proformaNumber}}{{/if}}.</p>
{{#if proformaNumber}}<p>The VAT invoice and the confirmation that your services are active will follow in separate messages.</p>{{/if}}
{{button panelUrl "Go to the customer panel"}}
${SIGN_HTML}`,
      text: `Hello,

thank you: on {{receivedOn}} we booked your payment of {{amount}}{{#if proformaNumber}} for proforma invoice {{proformaNumber}}{{/if}}.
{{#if proformaNumber}}The VAT invoice and the confirmation that your services are active will follow in separate messages.{{/if}}

Customer panel: {{panelUrl}}

${SIGN_TEXT}`,
    },
    sms: {
      text: "Thank you! We have received your payment of {{amount}}{{#if proformaNumber}} for proforma {{proformaNumber}}{{/if}}.",
    },
  },

  "payment.partial": {
    email: {
      subject: "Partial payment received: {{amountRemaining}} still to pay",
      html: `<p>Hello,</p>
<p>on {{receivedOn}} we booked your payment of <strong>{{amount}}</strong> for proforma invoice {{proformaNumber}}. This is less than the amount due: <strong>{{amountRemaining}}</strong> is still to pay.</p>
<p>Please pay the rest by {{dueDate}}:<br>
bank account: {{bankAccount}}<br>
payment reference: {{transferTitle}}</p>
{{#if paymentUrl}}{{button paymentUrl "Pay the rest online"}}{{/if}}
<p>We will activate your services once the full amount has arrived.</p>
${SIGN_HTML}`,
      text: `Hello,

on {{receivedOn}} we booked your payment of {{amount}} for proforma invoice {{proformaNumber}}. This is less than the amount due: {{amountRemaining}} is still to pay.

Please pay the rest by {{dueDate}}
bank account: {{bankAccount}}
payment reference: {{transferTitle}}
{{#if paymentUrl}}Pay online: {{paymentUrl}}{{/if}}

We will activate your services once the full amount has arrived.

${SIGN_TEXT}`,
    },
    sms: {
      text: "We received {{amount}} for proforma {{proformaNumber}}. {{amountRemaining}} is still due by {{dueDate}}. {{#if paymentUrl}}{{paymentUrl}}{{else}}{{panelUrl}}{{/if}}",
    },
  },

  "payment.overpaid": {
    email: {
      subject: "Payment received: {{overpaidAmount}} added to your balance",
      html: `<p>Hello,</p>
<p>thank you: on {{receivedOn}} we booked your payment of <strong>{{amount}}</strong>{{#if proformaNumber}} for proforma invoice {{proformaNumber}}{{/if}}. You paid <strong>{{overpaidAmount}}</strong> more than was due.</p>
<p>We have added the surplus to your balance and will use it for your next payments.{{#if balance}} Your balance: <strong>{{balance}}</strong>.{{/if}} If you would rather have it refunded to your bank account, just reply to this message.</p>
${SIGN_HTML}`,
      text: `Hello,

thank you: on {{receivedOn}} we booked your payment of {{amount}}{{#if proformaNumber}} for proforma invoice {{proformaNumber}}{{/if}}. You paid {{overpaidAmount}} more than was due.

We have added the surplus to your balance and will use it for your next payments.{{#if balance}} Your balance: {{balance}}.{{/if}} If you would rather have it refunded to your bank account, just reply to this message.

${SIGN_TEXT}`,
    },
    sms: {
      text: "We received your payment of {{amount}}. The surplus of {{overpaidAmount}} is on your balance and will go towards your next payments.",
    },
  },

  "service.activated": {
    email: {
      subject: "Now active: {{serviceName}}",
      html: `<p>Hello,</p>
<p>your ${KIND} <strong>{{serviceName}}</strong> is now active, for {{periodYears}} {{plural periodYears "year" "years"}}, until {{expiresOn}}.</p>
{{#if (eq serviceKind "domain")}}<p>DNS changes may take a few hours to be visible everywhere on the internet.</p>{{/if}}
{{#if manageUrl}}{{button manageUrl "Manage"}}{{else}}{{button panelUrl "Go to the customer panel"}}{{/if}}
<p>Thank you for choosing us.</p>
${SIGN_HTML}`,
      text: `Hello,

your ${KIND} {{serviceName}} is now active, for {{periodYears}} {{plural periodYears "year" "years"}}, until {{expiresOn}}.
{{#if (eq serviceKind "domain")}}DNS changes may take a few hours to be visible everywhere on the internet.{{/if}}

Manage: {{default manageUrl panelUrl}}

Thank you for choosing us.

${SIGN_TEXT}`,
    },
    sms: {
      text: "Now active: {{serviceName}}, valid until {{expiresOn}}. Manage: {{default manageUrl panelUrl}}",
    },
  },

  "invoice.issued": {
    email: {
      subject: "VAT invoice {{invoiceNumber}} for {{amountGross}}",
      html: `<p>Hello,</p>
<p>we have issued VAT invoice <strong>{{invoiceNumber}}</strong> of {{issueDate}} for <strong>{{amountGross}}</strong>.<br>Customer: {{customerName}}</p>
<p>{{#if paid}}The invoice is paid – thank you.{{else}}{{#if dueDate}}Payment is due by {{dueDate}}.{{else}}Please pay by the date on the invoice.{{/if}}{{/if}}</p>
{{#if documentUrl}}{{button documentUrl "Download the invoice"}}{{else}}<p>You can download it in the customer panel: <a href="{{panelUrl}}">{{panelUrl}}</a></p>{{/if}}
${SIGN_HTML}`,
      text: `Hello,

we have issued VAT invoice {{invoiceNumber}} of {{issueDate}} for {{amountGross}}.
Customer: {{customerName}}

{{#if paid}}The invoice is paid – thank you.{{else}}{{#if dueDate}}Payment is due by {{dueDate}}.{{else}}Please pay by the date on the invoice.{{/if}}{{/if}}

Download: {{default documentUrl panelUrl}}

${SIGN_TEXT}`,
    },
  },

  "invoice.corrected": {
    email: {
      subject: "Corrective invoice {{correctionNumber}} to invoice {{correctedNumber}}",
      html: `<p>Hello,</p>
<p>we have issued corrective invoice <strong>{{correctionNumber}}</strong> of {{issueDate}} to invoice {{correctedNumber}}.<br>Customer: {{customerName}}</p>
<p>Reason: {{reason}}<br>
Gross difference: <strong>{{amountDifference}}</strong>{{#if refundAmount}}<br>
To be refunded: <strong>{{refundAmount}}</strong>{{/if}}</p>
{{#if documentUrl}}{{button documentUrl "Download the correction"}}{{else}}<p>You can download it in the customer panel: <a href="{{panelUrl}}">{{panelUrl}}</a></p>{{/if}}
${SIGN_HTML}`,
      text: `Hello,

we have issued corrective invoice {{correctionNumber}} of {{issueDate}} to invoice {{correctedNumber}}.
Customer: {{customerName}}

Reason: {{reason}}
Gross difference: {{amountDifference}}
{{#if refundAmount}}To be refunded: {{refundAmount}}{{/if}}

Download: {{default documentUrl panelUrl}}

${SIGN_TEXT}`,
    },
  },

  "domain.expired": {
    email: {
      subject: "Your domain {{domainName}} has expired",
      html: `<p>Hello,</p>
<p>your domain <strong>{{domainName}}</strong> expired on {{expiredOn}}. The website and e-mail on it may have stopped working.</p>
<p>{{#if renewableUntil}}You can still renew it until {{renewableUntil}}{{#if renewalPrice}} (price: {{renewalPrice}}){{/if}}. After that it will be deleted and anyone will be able to register it.{{else}}Please renew it as soon as possible{{#if renewalPrice}} (price: {{renewalPrice}}){{/if}}: after the grace period it will be deleted and anyone will be able to register it.{{/if}}</p>
{{button renewUrl "Renew the domain"}}
${SIGN_HTML}`,
      text: `Hello,

your domain {{domainName}} expired on {{expiredOn}}. The website and e-mail on it may have stopped working.

{{#if renewableUntil}}You can still renew it until {{renewableUntil}}{{#if renewalPrice}} (price: {{renewalPrice}}){{/if}}. After that it will be deleted and anyone will be able to register it.{{else}}Please renew it as soon as possible{{#if renewalPrice}} (price: {{renewalPrice}}){{/if}}: after the grace period it will be deleted and anyone will be able to register it.{{/if}}

Renew the domain: {{renewUrl}}

${SIGN_TEXT}`,
    },
    sms: {
      text: "Domain {{domainName}} expired on {{expiredOn}}.{{#if renewableUntil}} You can renew it until {{renewableUntil}}.{{/if}} Renew: {{renewUrl}}",
    },
    phone: {
      text: `Hello, this is an automated message from {{sellerName}}: your domain {{domainName}} expired on {{expiredOn}}. The website and e-mail on it may have stopped working.{{#if renewableUntil}} You can still renew it until {{renewableUntil}}.{{/if}} Please renew it in the customer panel.${CONTACT_PHONE} Thank you.`,
    },
  },

  "transfer.progress": {
    email: {
      subject: `Transfer of {{domainName}}: ${TRANSFER_STAGE}`,
      html: `<p>Hello,</p>
<p>{{#if (eq stage "started")}}we have started the transfer of <strong>{{domainName}}</strong>. It usually takes from a few hours to a few days; we will let you know when it is done.{{else if (eq stage "awaiting-confirmation")}}the transfer of <strong>{{domainName}}</strong> is waiting for confirmation. We have sent a request to the domain holder's e-mail address – please confirm it.{{else if (eq stage "completed")}}the transfer of <strong>{{domainName}}</strong> is complete. You can now manage the domain in our customer panel.{{else}}the transfer of <strong>{{domainName}}</strong> has failed.{{#if reason}} Reason: {{reason}}.{{/if}} Please check the AuthInfo code and any locks at the current registrar, then order the transfer again.{{/if}}</p>
{{#if actionUrl}}{{#if (eq stage "awaiting-confirmation")}}{{button actionUrl "Confirm the transfer"}}{{else}}{{button actionUrl "Details"}}{{/if}}{{else}}{{button panelUrl "Go to the customer panel"}}{{/if}}
${SIGN_HTML}`,
      text: `Hello,

{{#if (eq stage "started")}}we have started the transfer of {{domainName}}. It usually takes from a few hours to a few days; we will let you know when it is done.{{else if (eq stage "awaiting-confirmation")}}the transfer of {{domainName}} is waiting for confirmation. We have sent a request to the domain holder's e-mail address – please confirm it.{{else if (eq stage "completed")}}the transfer of {{domainName}} is complete. You can now manage the domain in our customer panel.{{else}}the transfer of {{domainName}} has failed.{{#if reason}} Reason: {{reason}}.{{/if}} Please check the AuthInfo code and any locks at the current registrar, then order the transfer again.{{/if}}

Details: {{default actionUrl panelUrl}}

${SIGN_TEXT}`,
    },
    sms: {
      text: `Transfer of {{domainName}}: ${TRANSFER_STAGE}.{{#if (eq stage "rejected")}}{{#if reason}} Reason: {{reason}}.{{/if}}{{/if}} {{default actionUrl panelUrl}}`,
    },
  },

  "trade.progress": {
    email: {
      subject: `Change of holder of {{domainName}}: ${TRADE_STAGE}`,
      html: `<p>Hello,</p>
<p>{{#if (eq stage "started")}}we have started the change of holder (trade) of <strong>{{domainName}}</strong>{{#if newHolder}} to {{newHolder}}{{/if}}. We will let you know about the next steps.{{else if (eq stage "awaiting-acceptance")}}the change of holder of <strong>{{domainName}}</strong> is waiting for the new holder{{#if newHolder}} ({{newHolder}}){{/if}} to accept the domain registration terms.{{else if (eq stage "completed")}}the change of holder of <strong>{{domainName}}</strong> is complete.{{#if newHolder}} The new holder is {{newHolder}}.{{/if}}{{else}}the change of holder of <strong>{{domainName}}</strong> did not go through.{{#if reason}} Reason: {{reason}}.{{/if}}{{/if}}</p>
{{#if actionUrl}}{{#if (eq stage "awaiting-acceptance")}}{{button actionUrl "Accept the terms"}}{{else}}{{button actionUrl "Details"}}{{/if}}{{else}}{{button panelUrl "Go to the customer panel"}}{{/if}}
${SIGN_HTML}`,
      text: `Hello,

{{#if (eq stage "started")}}we have started the change of holder (trade) of {{domainName}}{{#if newHolder}} to {{newHolder}}{{/if}}. We will let you know about the next steps.{{else if (eq stage "awaiting-acceptance")}}the change of holder of {{domainName}} is waiting for the new holder{{#if newHolder}} ({{newHolder}}){{/if}} to accept the domain registration terms.{{else if (eq stage "completed")}}the change of holder of {{domainName}} is complete.{{#if newHolder}} The new holder is {{newHolder}}.{{/if}}{{else}}the change of holder of {{domainName}} did not go through.{{#if reason}} Reason: {{reason}}.{{/if}}{{/if}}

Details: {{default actionUrl panelUrl}}

${SIGN_TEXT}`,
    },
    sms: {
      text: `Change of holder of {{domainName}}: ${TRADE_STAGE}.{{#if (eq stage "rejected")}}{{#if reason}} Reason: {{reason}}.{{/if}}{{/if}} {{default actionUrl panelUrl}}`,
    },
  },

  "certificate.issued": {
    email: {
      subject: "Your SSL certificate for {{commonName}} is ready",
      html: `<p>Hello,</p>
<p>we have issued your {{productName}} certificate for <strong>{{commonName}}</strong>, valid until {{validUntil}}.</p>
{{#if downloadUrl}}{{button downloadUrl "Download the certificate"}}{{else}}<p>You can download it in the customer panel: <a href="{{panelUrl}}">{{panelUrl}}</a></p>{{/if}}
<p>Once it is installed on your server, your website will be served securely over HTTPS.</p>
${SIGN_HTML}`,
      text: `Hello,

we have issued your {{productName}} certificate for {{commonName}}, valid until {{validUntil}}.

Download: {{default downloadUrl panelUrl}}

Once it is installed on your server, your website will be served securely over HTTPS.

${SIGN_TEXT}`,
    },
  },

  "certificate.expiring": {
    email: {
      subject: `Your SSL certificate for {{commonName}} expires ${DAYS}`,
      html: `<p>Hello,</p>
<p>your {{productName}} certificate for <strong>{{commonName}}</strong> expires on {{expiresOn}} (${DAYS}). After that, browsers will warn visitors that the connection to your website is not secure.</p>
{{#if renewalPrice}}<p>Renewal price: <strong>{{renewalPrice}}</strong>.</p>{{/if}}
{{button renewUrl "Renew the certificate"}}
<p>After renewing, the new certificate has to be installed on your server.</p>
${SIGN_HTML}`,
      text: `Hello,

your {{productName}} certificate for {{commonName}} expires on {{expiresOn}} (${DAYS}). After that, browsers will warn visitors that the connection to your website is not secure.
{{#if renewalPrice}}Renewal price: {{renewalPrice}}.{{/if}}

Renew the certificate: {{renewUrl}}

After renewing, the new certificate has to be installed on your server.

${SIGN_TEXT}`,
    },
    sms: {
      text: `SSL certificate for {{commonName}} expires {{expiresOn}} (${DAYS}). Renew: {{renewUrl}}`,
    },
    phone: {
      text: `Hello, this is an automated message from {{sellerName}}: your SSL certificate for {{commonName}} expires on {{expiresOn}}, ${DAYS}. After that, browsers will warn that your website is not secure. Please renew it in the customer panel.${CONTACT_PHONE} Thank you.`,
    },
  },

  offer: {
    email: {
      subject: "{{offerSubject}}",
      html: `{{paragraphs offerText}}
{{#if offerUrl}}{{button offerUrl "See the offer"}}{{/if}}
<p style="margin:24px 0 0 0;font-size:12px;line-height:1.5;color:#6b7280;">You are receiving this because you agreed that {{sellerName}} may send you offers. <a href="{{unsubscribeUrl}}" style="color:#6b7280;">Unsubscribe</a></p>`,
      text: `{{offerText}}
{{#if offerUrl}}

See the offer: {{offerUrl}}
{{/if}}

--
You are receiving this because you agreed that {{sellerName}} may send you offers.
Unsubscribe: {{unsubscribeUrl}}`,
    },
    sms: {
      text: "{{offerSubject}}{{#if offerUrl}} {{offerUrl}}{{/if}} Unsubscribe: {{unsubscribeUrl}}",
    },
  },
};
