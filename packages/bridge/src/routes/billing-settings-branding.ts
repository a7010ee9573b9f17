/**
 * The seller's logo as files. Billing keeps the logo as a path (`seller.logoPath`) that every PDF
 * render reads, and issued invoices keep the seller as it was, path included. So an upload is
 * stored under its content hash (`logo-<sha256>.png`) and never overwritten or deleted: a new
 * logo changes what new documents print, and an old invoice still prints the logo it was issued
 * with. The type is checked by billing's `checkLogo` (PNG or JPEG, what a PDF embeds).
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BillingError, checkLogo, type Logo } from "@hrdkit/billing";
import { BridgeError } from "../errors.js";

/** The largest logo accepted: a header logo is printed at 180×60 pt; more is only a heavier PDF. */
export const MAX_LOGO_BYTES = 512 * 1024;

const invalid = (message: string) =>
  new BridgeError(400, "invalid", `invalid request: data: ${message}`, false, [{ path: "data", message }]);

/** The upload's bytes from base64; a 400 naming `data` when it is not base64, empty or too big. */
export function decodeLogo(data: string): Buffer {
  const clean = data.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) {
    throw invalid("must be the image's bytes in base64");
  }
  const bytes = Buffer.from(clean, "base64");
  if (bytes.length === 0) throw invalid("is empty");
  if (bytes.length > MAX_LOGO_BYTES) {
    throw invalid(`the logo is ${Math.ceil(bytes.length / 1024)} KiB; at most ${MAX_LOGO_BYTES / 1024} KiB`);
  }
  return bytes;
}

/**
 * Stores the logo in `dir` and returns its absolute path (what `seller.logoPath` takes). Checked
 * before it gets its name: a file that is not a PNG or JPEG is removed and refused with a 400.
 */
export async function storeLogo(dir: string, bytes: Buffer): Promise<Logo> {
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.upload-${randomBytes(8).toString("hex")}`);
  await writeFile(temp, bytes);
  let logo: Logo;
  try {
    logo = await checkLogo(temp);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    if (err instanceof BillingError && err.code === "logo") throw invalid("must be a PNG or JPEG image");
    throw err;
  }
  const hash = createHash("sha256").update(bytes).digest("hex");
  const path = join(dir, `logo-${hash}.${logo.format === "png" ? "png" : "jpg"}`);
  // Same content, same name: a second upload of one logo replaces it with identical bytes.
  await rename(temp, path);
  return checkLogo(path);
}

export interface LogoInfo {
  format: "png" | "jpeg";
  size: number;
  sha256: string;
}

/** What the stored logo is, or why it cannot be printed (a file moved or deleted by hand). */
export async function describeLogo(
  logoPath: string,
): Promise<{ logo: LogoInfo; bytes: Buffer } | { problem: string }> {
  try {
    const logo = await checkLogo(logoPath);
    const bytes = await readFile(logo.path);
    return {
      logo: {
        format: logo.format,
        size: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
      },
      bytes,
    };
  } catch (err) {
    // Not billing's message: it names the path on the bridge's disk.
    const missing = err instanceof BillingError && err.code === "not_found";
    return {
      problem: missing
        ? "the logo file is missing from the bridge's disk: upload the logo again"
        : "the logo file cannot be read as a PNG or JPEG: upload the logo again",
    };
  }
}
