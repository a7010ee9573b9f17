/**
 * The frame every notice e-mail is sent in: the partner's logo, a stripe in the accent colour,
 * the template's HTML, an optional advertising banner, and a footer with the seller's data. Built
 * the way mail clients need it: nested tables, inline styles only (Gmail drops <style>, Outlook
 * renders with Word), a 600 px column, explicit image sizes. Images travel as inline attachments
 * referenced by `cid:` (remote images are blocked by default in most clients).
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { SellerSettings } from "../documents/types.js";
import { BillingError, BillingNotFoundError, BillingValidationError } from "../errors.js";
import { DEFAULT_ACCENT } from "../render/layout.js";
import type { NoticeLanguage } from "./events.js";
import type { EmailAttachment } from "./ports.js";

export interface EmailBanner {
  /** A PNG, JPEG or GIF file; shown 536 px wide at most. */
  imagePath: string;
  /** Where a click leads (http or https). */
  link: string;
  /** Shown when images are off, and in the text version. */
  alt?: string;
}

/** What a notice looks like and who signs it. */
export interface NoticeBranding {
  /** The partner's data: name, address, NIP, e-mail and phone in the footer; `logoPath`, `accentColor`. */
  seller: SellerSettings;
  /** The customer panel's address: the `panelUrl` variable when the caller does not give one. */
  panelUrl?: string;
  banner?: EmailBanner;
}

export interface EmailLayoutInput {
  subject: string;
  /** The template's rendered HTML (the inner part). */
  html: string;
  /** The template's rendered text. */
  text: string;
  language: NoticeLanguage;
  branding: NoticeBranding;
}

/**
 * An image shown inside the message. `cid` is what the HTML refers to (`<img src="cid:…">`):
 * give it to nodemailer as the attachment's `cid`.
 */
export interface InlineImage extends EmailAttachment {
  cid: string;
}

export interface LaidOutEmail {
  html: string;
  text: string;
  attachments: InlineImage[];
}

const LOGO_CID = "logo@hrdkit";
const BANNER_CID = "banner@hrdkit";
const LOGO_MAX = { width: 200, height: 48 };
const COLUMN = 600;
const PADDING = 32;

interface Image {
  content: Buffer;
  contentType: "image/png" | "image/jpeg" | "image/gif";
  extension: "png" | "jpg" | "gif";
  width: number;
  height: number;
}

/** Reads an image and its pixel size (needed for width/height attributes Outlook honours). */
async function readImage(path: string, setting: string): Promise<Image> {
  const file = resolve(path);
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR")
      throw new BillingNotFoundError(`the image ${file} (${setting})`);
    throw new BillingError(`cannot read the image ${file} (${setting}): ${String(err)}`, "image", {
      cause: err,
    });
  }
  const size = imageSize(content);
  if (!size) {
    throw new BillingError(`the image ${file} (${setting}) is not a PNG, JPEG or GIF`, "image");
  }
  return { content, ...size };
}

function imageSize(b: Buffer): Omit<Image, "content"> | undefined {
  if (
    b.length >= 24 &&
    b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    return {
      contentType: "image/png",
      extension: "png",
      width: b.readUInt32BE(16),
      height: b.readUInt32BE(20),
    };
  }
  if (
    b.length >= 10 &&
    (b.toString("latin1", 0, 6) === "GIF87a" || b.toString("latin1", 0, 6) === "GIF89a")
  ) {
    return {
      contentType: "image/gif",
      extension: "gif",
      width: b.readUInt16LE(6),
      height: b.readUInt16LE(8),
    };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    // Walk the segments to the frame header (SOFn), which holds the size.
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return undefined;
      const marker = b[i + 1]!;
      if (marker === 0xff) {
        i += 1;
        continue;
      }
      const isFrame =
        marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isFrame) {
        return {
          contentType: "image/jpeg",
          extension: "jpg",
          height: b.readUInt16BE(i + 5),
          width: b.readUInt16BE(i + 7),
        };
      }
      i += 2 + b.readUInt16BE(i + 2);
    }
  }
  return undefined;
}

/** Scales down (never up) to fit the box. */
function fit(
  image: Image,
  maxWidth: number,
  maxHeight = Number.POSITIVE_INFINITY,
): { width: number; height: number } {
  const scale = Math.min(1, maxWidth / image.width, maxHeight / image.height);
  return {
    width: Math.max(1, Math.round(image.width * scale)),
    height: Math.max(1, Math.round(image.height * scale)),
  };
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

const FOOTER_WORDS = {
  pl: { nip: "NIP", phone: "tel." },
  en: { nip: "Tax ID (NIP)", phone: "phone" },
} as const;

function footerLines(seller: SellerSettings, language: NoticeLanguage): string[] {
  const words = FOOTER_WORDS[language];
  const a = seller.address;
  const country = a.country && a.country !== "PL" ? `, ${a.country}` : "";
  const contact = [seller.email, seller.phone ? `${words.phone} ${seller.phone}` : undefined].filter(Boolean);
  return [
    seller.name,
    `${a.street}, ${a.postcode} ${a.city}${country}`,
    `${words.nip}: ${seller.nip}`,
    contact.join(" · "),
  ];
}

/**
 * Wraps a rendered notice in the partner's frame. Throws BillingNotFoundError when the logo or
 * banner file is missing, like the PDF renderer does for the logo.
 */
export async function layoutEmail(input: EmailLayoutInput): Promise<LaidOutEmail> {
  const { seller, banner } = input.branding;
  if (banner && !/^https?:\/\/\S+$/i.test(banner.link)) {
    throw new BillingValidationError("layoutEmail", [
      { path: "branding.banner.link", message: "must be an http(s) address" },
    ]);
  }
  const accent =
    seller.accentColor && /^#[0-9a-fA-F]{6}$/.test(seller.accentColor) ? seller.accentColor : DEFAULT_ACCENT;
  const attachments: InlineImage[] = [];

  let header = `<span style="font-family:Arial,Helvetica,sans-serif;font-size:20px;font-weight:bold;color:${accent};">${esc(seller.name)}</span>`;
  if (seller.logoPath) {
    const logo = await readImage(seller.logoPath, "seller.logoPath");
    const size = fit(logo, LOGO_MAX.width, LOGO_MAX.height);
    attachments.push({
      filename: `logo.${logo.extension}`,
      content: logo.content,
      contentType: logo.contentType,
      cid: LOGO_CID,
    });
    header = `<img src="cid:${LOGO_CID}" width="${size.width}" height="${size.height}" alt="${esc(seller.name)}" style="display:block;border:0;outline:none;text-decoration:none;width:${size.width}px;height:${size.height}px;">`;
  }

  let bannerRow = "";
  if (banner) {
    const image = await readImage(banner.imagePath, "branding.banner.imagePath");
    const size = fit(image, COLUMN - 2 * PADDING);
    attachments.push({
      filename: `banner.${image.extension}`,
      content: image.content,
      contentType: image.contentType,
      cid: BANNER_CID,
    });
    bannerRow = `
<tr><td style="padding:0 ${PADDING}px 24px ${PADDING}px;">
<a href="${esc(banner.link)}" target="_blank"><img src="cid:${BANNER_CID}" width="${size.width}" height="${size.height}" alt="${esc(banner.alt ?? "")}" style="display:block;border:0;outline:none;text-decoration:none;width:100%;max-width:${size.width}px;height:auto;"></a>
</td></tr>`;
  }

  const footer = footerLines(seller, input.language);
  const footerHtml = [
    `<strong>${esc(footer[0]!)}</strong>`,
    esc(footer[1]!),
    esc(footer[2]!),
    `<a href="mailto:${esc(seller.email)}" style="color:#6b7280;">${esc(seller.email)}</a>${seller.phone ? ` · ${esc(`${FOOTER_WORDS[input.language].phone} ${seller.phone}`)}` : ""}`,
  ].join("<br>\n");

  const html = `<!DOCTYPE html>
<html lang="${input.language}" xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light">
<title>${esc(input.subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f4f4f5;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f4f5;">
<tr><td align="center" style="padding:24px 12px;">
<!--[if mso]><table role="presentation" width="${COLUMN}" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:${COLUMN}px;background-color:#ffffff;border-top:4px solid ${accent};">
<tr><td style="padding:24px ${PADDING}px 8px ${PADDING}px;">${header}</td></tr>
<tr><td style="padding:16px ${PADDING}px 24px ${PADDING}px;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2933;">
${input.html.trim()}
</td></tr>${bannerRow}
<tr><td style="padding:16px ${PADDING}px;background-color:#f9fafb;border-top:1px solid #e5e7eb;font-family:Arial,Helvetica,sans-serif;font-size:12px;line-height:1.5;color:#6b7280;">
${footerHtml}
</td></tr>
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr>
</table>
</body>
</html>
`;

  const textParts = [input.text.trim()];
  if (banner) textParts.push(banner.alt ? `${banner.alt}: ${banner.link}` : banner.link);
  // "-- " (with the space) is the signature delimiter mail clients recognise.
  textParts.push(`-- \n${footer.join("\n")}`);
  return { html, text: `${textParts.join("\n\n")}\n`, attachments };
}
