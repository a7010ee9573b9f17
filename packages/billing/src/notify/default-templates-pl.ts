/**
 * The built-in Polish notices: what a partner who edits nothing sends. Impersonal or "Państwo"
 * forms, because the same text goes to people and to companies. E-mail `html` is the message's
 * inner part (email-layout.ts adds the logo, colours and the seller's footer around it).
 *
 * SMS texts are written without Polish letters on purpose: one "ł" switches the whole message to
 * UCS-2, where a part holds 70 characters instead of 160 (as Polish banks and registrars do in
 * their SMS). Values (amounts with "zł", names) may still carry them: see `toGsm7` in sms-text.ts.
 * Voice texts keep the letters (text-to-speech needs them) and have no links.
 */
import type { NoticeEvent } from "./events.js";
import type { NotifyChannel } from "./ports.js";

export interface DefaultTemplate {
  subject?: string;
  html?: string;
  text: string;
}

export type DefaultTemplates = Readonly<Record<NoticeEvent, Partial<Record<NotifyChannel, DefaultTemplate>>>>;

const SIGN_HTML = "<p>Z pozdrowieniami<br>{{sellerName}}</p>";
const SIGN_TEXT = "Z pozdrowieniami\n{{sellerName}}";

const KIND =
  '{{#if (eq serviceKind "domain")}}Domena{{else if (eq serviceKind "option")}}Opcja na domenę' +
  '{{else if (eq serviceKind "ssl")}}Certyfikat SSL{{else}}Hosting{{/if}}';
const KIND_ASCII = KIND.replace("domenę", "domene");
const KIND_LOWER = KIND.replace("}}Domena{{", "}}domena{{")
  .replace("}}Opcja na domenę{{", "}}opcja na domenę{{")
  .replace("}}Certyfikat SSL{{", "}}certyfikat SSL{{")
  .replace("}}Hosting{{", "}}hosting{{");
const DAYS =
  "{{#if (eq daysLeft 0)}}dzisiaj{{else if (eq daysLeft 1)}}jutro{{else}}za {{daysLeft}} dni{{/if}}";
const CONTACT_PHONE =
  "{{#if sellerPhone}} W razie pytań prosimy o kontakt pod numerem {{sellerPhone}}.{{/if}}";

const TRANSFER_STAGE =
  '{{#if (eq stage "started")}}rozpoczęty{{else if (eq stage "awaiting-confirmation")}}czeka na potwierdzenie' +
  '{{else if (eq stage "completed")}}zakończony{{else}}nieudany{{/if}}';
const TRADE_STAGE =
  '{{#if (eq stage "started")}}rozpoczęta{{else if (eq stage "awaiting-acceptance")}}czeka na akceptację' +
  '{{else if (eq stage "completed")}}zakończona{{else}}nieudana{{/if}}';

const asciiPl = (s: string) =>
  s.replace(/[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]/g, (c) => "acelnoszzACELNOSZZ"["ąćęłńóśźżĄĆĘŁŃÓŚŹŻ".indexOf(c)]!);

const PROFORMA_INTRO =
  '{{#if (eq variant "order")}}dziękujemy za zamówienie. Aby je zrealizować, wystawiliśmy proformę.' +
  '{{else if (eq variant "renewal")}}zbliża się koniec okresu opłaconych usług. Aby je przedłużyć, wystawiliśmy proformę.' +
  "{{else}}wystawiliśmy proformę.{{/if}}";

const CELL = "padding:6px 0;border-bottom:1px solid #e5e7eb;";
const CELL_AMOUNT = "padding:6px 0 6px 12px;border-bottom:1px solid #e5e7eb;white-space:nowrap;";

export const DEFAULT_TEMPLATES_PL: DefaultTemplates = {
  "proforma.issued": {
    email: {
      subject: "Proforma {{proformaNumber}} – do zapłaty {{amountToPay}} do {{dueDate}}",
      html: `<p>Dzień dobry,</p>
<p>${PROFORMA_INTRO}</p>
<p>Proforma nr <strong>{{proformaNumber}}</strong> z dnia {{issueDate}}<br>Nabywca: {{customerName}}</p>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;margin:0 0 16px 0;">
{{#each items}}
<tr><td style="${CELL}">{{name}}</td><td align="right" style="${CELL_AMOUNT}">{{amountGross}}</td></tr>
{{/each}}
<tr><td style="padding:8px 0;"><strong>Razem brutto</strong></td><td align="right" style="padding:8px 0 8px 12px;white-space:nowrap;"><strong>{{amountGross}}</strong></td></tr>
</table>
<p>Prosimy o wpłatę <strong>{{amountToPay}}</strong> do dnia {{dueDate}}:<br>
numer rachunku: {{bankAccount}}<br>
tytuł przelewu: {{transferTitle}}</p>
{{#if paymentUrl}}{{button paymentUrl "Zapłać online"}}{{/if}}
<p>Proforma nie jest fakturą VAT – fakturę wystawimy po zaksięgowaniu wpłaty.</p>
${SIGN_HTML}`,
      text: `Dzień dobry,

${PROFORMA_INTRO}

Proforma nr {{proformaNumber}} z dnia {{issueDate}}
Nabywca: {{customerName}}

{{#each items}}
- {{name}}: {{amountGross}}
{{/each}}
Razem brutto: {{amountGross}}

Prosimy o wpłatę {{amountToPay}} do dnia {{dueDate}}
numer rachunku: {{bankAccount}}
tytuł przelewu: {{transferTitle}}
{{#if paymentUrl}}Zapłać online: {{paymentUrl}}{{/if}}

Proforma nie jest fakturą VAT – fakturę wystawimy po zaksięgowaniu wpłaty.

${SIGN_TEXT}`,
    },
    sms: {
      text: "Proforma {{proformaNumber}}: do zaplaty {{amountToPay}} do {{dueDate}}. {{#if paymentUrl}}Zaplac online: {{paymentUrl}}{{else}}Szczegoly: {{panelUrl}}{{/if}}",
    },
  },

  "renewal.reminder": {
    email: {
      subject: `${KIND} {{serviceName}} wygaśnie ${DAYS}`,
      html: `<p>Dzień dobry,</p>
<p>${KIND} <strong>{{serviceName}}</strong> wygaśnie {{expiresOn}} (${DAYS}). Aby uniknąć przerwy w działaniu, prosimy o odnowienie przed tym terminem.</p>
{{#if (eq serviceKind "domain")}}<p>Po wygaśnięciu domeny przestaną działać strona internetowa i poczta e-mail w tej domenie.</p>{{/if}}
{{#if renewalPrice}}<p>Koszt odnowienia: <strong>{{renewalPrice}}</strong>{{#if proformaNumber}} (proforma nr {{proformaNumber}}){{/if}}.</p>{{/if}}
{{button renewUrl "Odnów teraz"}}
<p>Jeśli usługa nie jest już potrzebna, wystarczy zignorować tę wiadomość.</p>
${SIGN_HTML}`,
      text: `Dzień dobry,

${KIND} {{serviceName}} wygaśnie {{expiresOn}} (${DAYS}). Aby uniknąć przerwy w działaniu, prosimy o odnowienie przed tym terminem.
{{#if (eq serviceKind "domain")}}Po wygaśnięciu domeny przestaną działać strona internetowa i poczta e-mail w tej domenie.{{/if}}
{{#if renewalPrice}}Koszt odnowienia: {{renewalPrice}}{{#if proformaNumber}} (proforma nr {{proformaNumber}}){{/if}}.{{/if}}

Odnów teraz: {{renewUrl}}

Jeśli usługa nie jest już potrzebna, wystarczy zignorować tę wiadomość.

${SIGN_TEXT}`,
    },
    sms: {
      text: `${KIND_ASCII} {{serviceName}} wygasa {{expiresOn}} (${DAYS}). Odnow: {{renewUrl}}`,
    },
    phone: {
      text: `Dzień dobry, {{sellerName}} przypomina: ${KIND_LOWER} {{serviceName}} wygaśnie {{expiresOn}}, ${DAYS}. Aby uniknąć przerwy w działaniu, prosimy o odnowienie w panelu klienta.${CONTACT_PHONE} Dziękujemy.`,
    },
  },

  "payment.received": {
    email: {
      subject: "Otrzymaliśmy wpłatę {{amount}}{{#if proformaNumber}} – proforma {{proformaNumber}}{{/if}}",
      html: `<p>Dzień dobry,</p>
<p>dziękujemy – {{receivedOn}} zaksięgowaliśmy wpłatę <strong>{{amount}}</strong>{{#if proformaNumber}} za proformę nr {{proformaNumber}}{{/if}}.</p>
{{#if proformaNumber}}<p>Fakturę VAT i potwierdzenie aktywacji usług wyślemy w osobnych wiadomościach.</p>{{/if}}
{{button panelUrl "Przejdź do panelu klienta"}}
${SIGN_HTML}`,
      text: `Dzień dobry,

dziękujemy – {{receivedOn}} zaksięgowaliśmy wpłatę {{amount}}{{#if proformaNumber}} za proformę nr {{proformaNumber}}{{/if}}.
{{#if proformaNumber}}Fakturę VAT i potwierdzenie aktywacji usług wyślemy w osobnych wiadomościach.{{/if}}

Panel klienta: {{panelUrl}}

${SIGN_TEXT}`,
    },
    sms: {
      text: "Dziekujemy! Zaksiegowalismy wplate {{amount}}{{#if proformaNumber}} za proforme {{proformaNumber}}{{/if}}.",
    },
  },

  "payment.partial": {
    email: {
      subject: "Wpłata częściowa – do zapłaty pozostało {{amountRemaining}}",
      html: `<p>Dzień dobry,</p>
<p>{{receivedOn}} zaksięgowaliśmy wpłatę <strong>{{amount}}</strong> za proformę nr {{proformaNumber}}. To mniej niż kwota proformy: do zapłaty pozostało <strong>{{amountRemaining}}</strong>.</p>
<p>Prosimy o dopłatę do dnia {{dueDate}}:<br>
numer rachunku: {{bankAccount}}<br>
tytuł przelewu: {{transferTitle}}</p>
{{#if paymentUrl}}{{button paymentUrl "Dopłać online"}}{{/if}}
<p>Usługi aktywujemy po zaksięgowaniu pełnej kwoty.</p>
${SIGN_HTML}`,
      text: `Dzień dobry,

{{receivedOn}} zaksięgowaliśmy wpłatę {{amount}} za proformę nr {{proformaNumber}}. To mniej niż kwota proformy: do zapłaty pozostało {{amountRemaining}}.

Prosimy o dopłatę do dnia {{dueDate}}
numer rachunku: {{bankAccount}}
tytuł przelewu: {{transferTitle}}
{{#if paymentUrl}}Dopłać online: {{paymentUrl}}{{/if}}

Usługi aktywujemy po zaksięgowaniu pełnej kwoty.

${SIGN_TEXT}`,
    },
    sms: {
      text: "Zaksiegowalismy {{amount}} za proforme {{proformaNumber}}. Do zaplaty pozostalo {{amountRemaining}} do {{dueDate}}. {{#if paymentUrl}}{{paymentUrl}}{{else}}{{panelUrl}}{{/if}}",
    },
  },

  "payment.overpaid": {
    email: {
      subject: "Wpłata zaksięgowana – nadpłata {{overpaidAmount}} na Państwa saldzie",
      html: `<p>Dzień dobry,</p>
<p>dziękujemy – {{receivedOn}} zaksięgowaliśmy wpłatę <strong>{{amount}}</strong>{{#if proformaNumber}} za proformę nr {{proformaNumber}}{{/if}}. Wpłata była wyższa od należności o <strong>{{overpaidAmount}}</strong>.</p>
<p>Nadpłatę zapisaliśmy na Państwa saldzie i zaliczymy ją na poczet kolejnych płatności.{{#if balance}} Saldo do wykorzystania: <strong>{{balance}}</strong>.{{/if}} Jeśli wolą Państwo zwrot na rachunek bankowy, prosimy o odpowiedź na tę wiadomość.</p>
${SIGN_HTML}`,
      text: `Dzień dobry,

dziękujemy – {{receivedOn}} zaksięgowaliśmy wpłatę {{amount}}{{#if proformaNumber}} za proformę nr {{proformaNumber}}{{/if}}. Wpłata była wyższa od należności o {{overpaidAmount}}.

Nadpłatę zapisaliśmy na Państwa saldzie i zaliczymy ją na poczet kolejnych płatności.{{#if balance}} Saldo do wykorzystania: {{balance}}.{{/if}} Jeśli wolą Państwo zwrot na rachunek bankowy, prosimy o odpowiedź na tę wiadomość.

${SIGN_TEXT}`,
    },
    sms: {
      text: "Zaksiegowalismy wplate {{amount}}. Nadplata {{overpaidAmount}} trafila na saldo i pomniejszy kolejne platnosci.",
    },
  },

  "service.activated": {
    email: {
      subject: "Usługa aktywna: {{serviceName}}",
      html: `<p>Dzień dobry,</p>
<p>${KIND} <strong>{{serviceName}}</strong> – aktywacja zakończona. Okres: {{periodYears}} {{plural periodYears "rok" "lata" "lat"}}, ważność do {{expiresOn}}.</p>
{{#if (eq serviceKind "domain")}}<p>Zmiany w DNS mogą być widoczne w internecie dopiero po kilku godzinach.</p>{{/if}}
{{#if manageUrl}}{{button manageUrl "Zarządzaj usługą"}}{{else}}{{button panelUrl "Przejdź do panelu klienta"}}{{/if}}
<p>Dziękujemy za zaufanie.</p>
${SIGN_HTML}`,
      text: `Dzień dobry,

${KIND} {{serviceName}} – aktywacja zakończona. Okres: {{periodYears}} {{plural periodYears "rok" "lata" "lat"}}, ważność do {{expiresOn}}.
{{#if (eq serviceKind "domain")}}Zmiany w DNS mogą być widoczne w internecie dopiero po kilku godzinach.{{/if}}

Zarządzaj usługą: {{default manageUrl panelUrl}}

Dziękujemy za zaufanie.

${SIGN_TEXT}`,
    },
    sms: {
      text: "Aktywowalismy: {{serviceName}}, wazne do {{expiresOn}}. Panel: {{default manageUrl panelUrl}}",
    },
  },

  "invoice.issued": {
    email: {
      subject: "Faktura VAT {{invoiceNumber}} na kwotę {{amountGross}}",
      html: `<p>Dzień dobry,</p>
<p>wystawiliśmy fakturę VAT nr <strong>{{invoiceNumber}}</strong> z dnia {{issueDate}} na kwotę <strong>{{amountGross}}</strong>.<br>Nabywca: {{customerName}}</p>
<p>{{#if paid}}Faktura jest opłacona – dziękujemy.{{else}}{{#if dueDate}}Termin płatności: {{dueDate}}.{{else}}Prosimy o zapłatę zgodnie z terminem na fakturze.{{/if}}{{/if}}</p>
{{#if documentUrl}}{{button documentUrl "Pobierz fakturę"}}{{else}}<p>Fakturę można pobrać w panelu klienta: <a href="{{panelUrl}}">{{panelUrl}}</a></p>{{/if}}
${SIGN_HTML}`,
      text: `Dzień dobry,

wystawiliśmy fakturę VAT nr {{invoiceNumber}} z dnia {{issueDate}} na kwotę {{amountGross}}.
Nabywca: {{customerName}}

{{#if paid}}Faktura jest opłacona – dziękujemy.{{else}}{{#if dueDate}}Termin płatności: {{dueDate}}.{{else}}Prosimy o zapłatę zgodnie z terminem na fakturze.{{/if}}{{/if}}

Pobierz fakturę: {{default documentUrl panelUrl}}

${SIGN_TEXT}`,
    },
  },

  "invoice.corrected": {
    email: {
      subject: "Faktura korygująca {{correctionNumber}} do faktury {{correctedNumber}}",
      html: `<p>Dzień dobry,</p>
<p>wystawiliśmy fakturę korygującą nr <strong>{{correctionNumber}}</strong> z dnia {{issueDate}} do faktury nr {{correctedNumber}}.<br>Nabywca: {{customerName}}</p>
<p>Przyczyna korekty: {{reason}}<br>
Kwota korekty brutto: <strong>{{amountDifference}}</strong>{{#if refundAmount}}<br>
Do zwrotu: <strong>{{refundAmount}}</strong>{{/if}}</p>
{{#if documentUrl}}{{button documentUrl "Pobierz korektę"}}{{else}}<p>Korektę można pobrać w panelu klienta: <a href="{{panelUrl}}">{{panelUrl}}</a></p>{{/if}}
${SIGN_HTML}`,
      text: `Dzień dobry,

wystawiliśmy fakturę korygującą nr {{correctionNumber}} z dnia {{issueDate}} do faktury nr {{correctedNumber}}.
Nabywca: {{customerName}}

Przyczyna korekty: {{reason}}
Kwota korekty brutto: {{amountDifference}}
{{#if refundAmount}}Do zwrotu: {{refundAmount}}{{/if}}

Pobierz korektę: {{default documentUrl panelUrl}}

${SIGN_TEXT}`,
    },
  },

  "domain.expired": {
    email: {
      subject: "Domena {{domainName}} wygasła",
      html: `<p>Dzień dobry,</p>
<p>domena <strong>{{domainName}}</strong> wygasła {{expiredOn}}. Strona internetowa i poczta e-mail w tej domenie mogą już nie działać.</p>
<p>{{#if renewableUntil}}Domenę można jeszcze odnowić do {{renewableUntil}}{{#if renewalPrice}} (koszt: {{renewalPrice}}){{/if}}. Po tym terminie zostanie usunięta i będzie mógł ją zarejestrować ktoś inny.{{else}}Prosimy o pilne odnowienie{{#if renewalPrice}} (koszt: {{renewalPrice}}){{/if}} – po okresie przejściowym domena zostanie usunięta i będzie mógł ją zarejestrować ktoś inny.{{/if}}</p>
{{button renewUrl "Odnów domenę"}}
${SIGN_HTML}`,
      text: `Dzień dobry,

domena {{domainName}} wygasła {{expiredOn}}. Strona internetowa i poczta e-mail w tej domenie mogą już nie działać.

{{#if renewableUntil}}Domenę można jeszcze odnowić do {{renewableUntil}}{{#if renewalPrice}} (koszt: {{renewalPrice}}){{/if}}. Po tym terminie zostanie usunięta i będzie mógł ją zarejestrować ktoś inny.{{else}}Prosimy o pilne odnowienie{{#if renewalPrice}} (koszt: {{renewalPrice}}){{/if}} – po okresie przejściowym domena zostanie usunięta i będzie mógł ją zarejestrować ktoś inny.{{/if}}

Odnów domenę: {{renewUrl}}

${SIGN_TEXT}`,
    },
    sms: {
      text: "Domena {{domainName}} wygasla {{expiredOn}}.{{#if renewableUntil}} Mozna ja odnowic do {{renewableUntil}}.{{/if}} Odnow: {{renewUrl}}",
    },
    phone: {
      text: `Dzień dobry, {{sellerName}} informuje: domena {{domainName}} wygasła {{expiredOn}}. Strona internetowa i poczta w tej domenie mogą już nie działać.{{#if renewableUntil}} Domenę można jeszcze odnowić do {{renewableUntil}}.{{/if}} Prosimy o odnowienie w panelu klienta.${CONTACT_PHONE} Dziękujemy.`,
    },
  },

  "transfer.progress": {
    email: {
      subject: `Transfer domeny {{domainName}}: ${TRANSFER_STAGE}`,
      html: `<p>Dzień dobry,</p>
<p>{{#if (eq stage "started")}}rozpoczęliśmy transfer domeny <strong>{{domainName}}</strong>. Zwykle trwa od kilku godzin do kilku dni – poinformujemy o jego zakończeniu.{{else if (eq stage "awaiting-confirmation")}}transfer domeny <strong>{{domainName}}</strong> czeka na potwierdzenie. Na adres e-mail abonenta domeny wysłaliśmy prośbę o zgodę – prosimy ją potwierdzić.{{else if (eq stage "completed")}}transfer domeny <strong>{{domainName}}</strong> zakończył się. Domeną można już zarządzać w naszym panelu klienta.{{else}}transfer domeny <strong>{{domainName}}</strong> nie powiódł się.{{#if reason}} Powód: {{reason}}.{{/if}} Prosimy sprawdzić kod AuthInfo i blokady u obecnego rejestratora, a następnie zlecić transfer ponownie.{{/if}}</p>
{{#if actionUrl}}{{#if (eq stage "awaiting-confirmation")}}{{button actionUrl "Potwierdź transfer"}}{{else}}{{button actionUrl "Szczegóły"}}{{/if}}{{else}}{{button panelUrl "Przejdź do panelu klienta"}}{{/if}}
${SIGN_HTML}`,
      text: `Dzień dobry,

{{#if (eq stage "started")}}rozpoczęliśmy transfer domeny {{domainName}}. Zwykle trwa od kilku godzin do kilku dni – poinformujemy o jego zakończeniu.{{else if (eq stage "awaiting-confirmation")}}transfer domeny {{domainName}} czeka na potwierdzenie. Na adres e-mail abonenta domeny wysłaliśmy prośbę o zgodę – prosimy ją potwierdzić.{{else if (eq stage "completed")}}transfer domeny {{domainName}} zakończył się. Domeną można już zarządzać w naszym panelu klienta.{{else}}transfer domeny {{domainName}} nie powiódł się.{{#if reason}} Powód: {{reason}}.{{/if}} Prosimy sprawdzić kod AuthInfo i blokady u obecnego rejestratora, a następnie zlecić transfer ponownie.{{/if}}

Szczegóły: {{default actionUrl panelUrl}}

${SIGN_TEXT}`,
    },
    sms: {
      text: `Transfer domeny {{domainName}}: ${asciiPl(TRANSFER_STAGE)}.{{#if (eq stage "rejected")}}{{#if reason}} Powod: {{reason}}.{{/if}}{{/if}} {{default actionUrl panelUrl}}`,
    },
  },

  "trade.progress": {
    email: {
      subject: `Cesja domeny {{domainName}}: ${TRADE_STAGE}`,
      html: `<p>Dzień dobry,</p>
<p>{{#if (eq stage "started")}}rozpoczęliśmy cesję domeny <strong>{{domainName}}</strong>{{#if newHolder}} na rzecz: {{newHolder}}{{/if}}. Poinformujemy o kolejnych krokach.{{else if (eq stage "awaiting-acceptance")}}cesja domeny <strong>{{domainName}}</strong> czeka na akceptację nowego abonenta{{#if newHolder}} ({{newHolder}}){{/if}}. Nowy abonent musi zaakceptować warunki rejestracji domeny.{{else if (eq stage "completed")}}cesja domeny <strong>{{domainName}}</strong> zakończyła się.{{#if newHolder}} Nowym abonentem jest: {{newHolder}}.{{/if}}{{else}}cesja domeny <strong>{{domainName}}</strong> nie została przeprowadzona.{{#if reason}} Powód: {{reason}}.{{/if}}{{/if}}</p>
{{#if actionUrl}}{{#if (eq stage "awaiting-acceptance")}}{{button actionUrl "Zaakceptuj cesję"}}{{else}}{{button actionUrl "Szczegóły"}}{{/if}}{{else}}{{button panelUrl "Przejdź do panelu klienta"}}{{/if}}
${SIGN_HTML}`,
      text: `Dzień dobry,

{{#if (eq stage "started")}}rozpoczęliśmy cesję domeny {{domainName}}{{#if newHolder}} na rzecz: {{newHolder}}{{/if}}. Poinformujemy o kolejnych krokach.{{else if (eq stage "awaiting-acceptance")}}cesja domeny {{domainName}} czeka na akceptację nowego abonenta{{#if newHolder}} ({{newHolder}}){{/if}}. Nowy abonent musi zaakceptować warunki rejestracji domeny.{{else if (eq stage "completed")}}cesja domeny {{domainName}} zakończyła się.{{#if newHolder}} Nowym abonentem jest: {{newHolder}}.{{/if}}{{else}}cesja domeny {{domainName}} nie została przeprowadzona.{{#if reason}} Powód: {{reason}}.{{/if}}{{/if}}

Szczegóły: {{default actionUrl panelUrl}}

${SIGN_TEXT}`,
    },
    sms: {
      text: `Cesja domeny {{domainName}}: ${asciiPl(TRADE_STAGE)}.{{#if (eq stage "rejected")}}{{#if reason}} Powod: {{reason}}.{{/if}}{{/if}} {{default actionUrl panelUrl}}`,
    },
  },

  "certificate.issued": {
    email: {
      subject: "Certyfikat SSL dla {{commonName}} jest gotowy",
      html: `<p>Dzień dobry,</p>
<p>wystawiliśmy certyfikat {{productName}} dla <strong>{{commonName}}</strong>, ważny do {{validUntil}}.</p>
{{#if downloadUrl}}{{button downloadUrl "Pobierz certyfikat"}}{{else}}<p>Certyfikat można pobrać w panelu klienta: <a href="{{panelUrl}}">{{panelUrl}}</a></p>{{/if}}
<p>Po zainstalowaniu certyfikatu na serwerze strona będzie dostępna bezpiecznie, przez HTTPS.</p>
${SIGN_HTML}`,
      text: `Dzień dobry,

wystawiliśmy certyfikat {{productName}} dla {{commonName}}, ważny do {{validUntil}}.

Pobierz certyfikat: {{default downloadUrl panelUrl}}

Po zainstalowaniu certyfikatu na serwerze strona będzie dostępna bezpiecznie, przez HTTPS.

${SIGN_TEXT}`,
    },
  },

  "certificate.expiring": {
    email: {
      subject: `Certyfikat SSL dla {{commonName}} wygaśnie ${DAYS}`,
      html: `<p>Dzień dobry,</p>
<p>certyfikat {{productName}} dla <strong>{{commonName}}</strong> wygaśnie {{expiresOn}} (${DAYS}). Po tym terminie przeglądarki będą ostrzegać odwiedzających, że połączenie ze stroną nie jest bezpieczne.</p>
{{#if renewalPrice}}<p>Koszt odnowienia: <strong>{{renewalPrice}}</strong>.</p>{{/if}}
{{button renewUrl "Odnów certyfikat"}}
<p>Po odnowieniu nowy certyfikat trzeba zainstalować na serwerze.</p>
${SIGN_HTML}`,
      text: `Dzień dobry,

certyfikat {{productName}} dla {{commonName}} wygaśnie {{expiresOn}} (${DAYS}). Po tym terminie przeglądarki będą ostrzegać odwiedzających, że połączenie ze stroną nie jest bezpieczne.
{{#if renewalPrice}}Koszt odnowienia: {{renewalPrice}}.{{/if}}

Odnów certyfikat: {{renewUrl}}

Po odnowieniu nowy certyfikat trzeba zainstalować na serwerze.

${SIGN_TEXT}`,
    },
    sms: {
      text: `Certyfikat SSL dla {{commonName}} wygasa {{expiresOn}} (${DAYS}). Odnow: {{renewUrl}}`,
    },
    phone: {
      text: `Dzień dobry, {{sellerName}} przypomina: certyfikat SSL dla {{commonName}} wygaśnie {{expiresOn}}, ${DAYS}. Po tym terminie przeglądarki będą ostrzegać, że strona nie jest bezpieczna. Prosimy o odnowienie w panelu klienta.${CONTACT_PHONE} Dziękujemy.`,
    },
  },

  offer: {
    email: {
      subject: "{{offerSubject}}",
      html: `{{paragraphs offerText}}
{{#if offerUrl}}{{button offerUrl "Zobacz ofertę"}}{{/if}}
<p style="margin:24px 0 0 0;font-size:12px;line-height:1.5;color:#6b7280;">Tę wiadomość otrzymują Państwo, ponieważ wyrazili Państwo zgodę na otrzymywanie od {{sellerName}} informacji handlowych. <a href="{{unsubscribeUrl}}" style="color:#6b7280;">Rezygnuję z ofert</a></p>`,
      text: `{{offerText}}
{{#if offerUrl}}

Zobacz ofertę: {{offerUrl}}
{{/if}}

--
Tę wiadomość otrzymują Państwo, ponieważ wyrazili Państwo zgodę na otrzymywanie od {{sellerName}} informacji handlowych.
Rezygnacja z ofert: {{unsubscribeUrl}}`,
    },
    sms: {
      text: "{{offerSubject}}{{#if offerUrl}} {{offerUrl}}{{/if}} Rezygnacja: {{unsubscribeUrl}}",
    },
  },
};
