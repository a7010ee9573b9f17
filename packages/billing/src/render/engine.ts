/**
 * pdfmake on the server. pdfmake is a process-wide singleton whose fonts and access policies are
 * captured by each `createPdf` call, so every render sets them right before its own call:
 * - fonts: pdfmake's bundled Roboto (Polish letters in regular, bold and italics), read once into
 *   pdfmake's virtual file system, so no render touches the disk for fonts;
 * - local files: only the logo of the document being rendered (the policy is per document);
 * - URLs: none (a document never downloads anything).
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import type { TDocumentDefinitions } from "pdfmake/interfaces.js";
import { BillingError, BillingNotFoundError } from "../errors.js";

type PdfMake = typeof import("pdfmake");
interface VirtualFs {
  writeFileSync(name: string, content: Buffer): void;
}

// Works from the ESM sources and from the CJS bundle alike (pdfmake itself is CommonJS). The ESM
// build asks import.meta first: under `node -e`, a global `__filename` of "[eval]" is visible to
// ES modules too, and createRequire refuses it. (The CJS bundle has no import.meta.url.)
const requireHere = createRequire(typeof import.meta.url === "string" ? import.meta.url : __filename);

let engine: { pdfmake: PdfMake; fonts: Record<string, Record<string, string>> } | undefined;

function load(): NonNullable<typeof engine> {
  if (engine) return engine;
  const pdfmake = requireHere("pdfmake") as PdfMake & { virtualfs: VirtualFs };
  const roboto = (requireHere("pdfmake/fonts/Roboto.js") as { Roboto: Record<string, string> }).Roboto;
  const files: Record<string, string> = {};
  for (const [style, path] of Object.entries(roboto)) {
    const name = `hrdkit-billing/Roboto-${style}.ttf`;
    pdfmake.virtualfs.writeFileSync(name, readFileSync(path));
    files[style] = name;
  }
  engine = { pdfmake, fonts: { Roboto: files } };
  return engine;
}

export interface Logo {
  /** Absolute path: what pdfmake reads and the access policy allows. */
  path: string;
  format: "png" | "jpeg";
}

/**
 * Checks the partner's logo before rendering: it must exist and be a PNG or a JPEG (the formats
 * PDF embeds). Errors name the file and the setting it came from.
 */
export async function checkLogo(logoPath: string): Promise<Logo> {
  const path = resolve(logoPath);
  let head: Buffer;
  try {
    head = (await readFile(path)).subarray(0, 8);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new BillingNotFoundError(`the logo file ${path} (seller.logoPath)`);
    }
    throw new BillingError(`cannot read the logo file ${path} (seller.logoPath): ${String(err)}`, "logo", {
      cause: err,
    });
  }
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { path, format: "png" };
  }
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { path, format: "jpeg" };
  throw new BillingError(`the logo file ${path} (seller.logoPath) is neither a PNG nor a JPEG`, "logo");
}

/** Renders a document definition whose only local file may be `logo`. */
export async function renderPdf(definition: TDocumentDefinitions, logo?: Logo): Promise<Buffer> {
  const { pdfmake, fonts } = load();
  pdfmake.setFonts(fonts);
  pdfmake.setUrlAccessPolicy(() => false);
  const allowed = logo?.path;
  pdfmake.setLocalAccessPolicy((path) => allowed !== undefined && resolve(path) === allowed);
  return pdfmake.createPdf(definition).getBuffer();
}
