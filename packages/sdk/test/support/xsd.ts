/**
 * Validates HRD wire XML against HRD's own schemas in ../shared/hrd-api (read in place, never copied).
 *
 * xmllint-wasm starts a worker and compiles the schema on every call (~120 ms), while validating one
 * more document in the same call costs about a millisecond. So:
 * - `validateRequests` / `validateResponses` validate many documents in one xmllint run;
 * - the single-document functions queue their document and flush the queue on the next macrotask,
 *   so `Promise.all(xmls.map(validateRequest))` also becomes one run.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { validateXML } from "xmllint-wasm";

export interface XsdResult {
  valid: boolean;
  /** libxml2's messages for this document (file name and line prefix kept, e.g. `request.xml:1: …`). */
  errors: string[];
}

type Kind = "request" | "response";

const HRD_NS = "http://api.hrd.pl/api/";
/** Documents per xmllint run: keeps one run's memory well under xmllint-wasm's default 32 MiB cap. */
const BATCH_LIMIT = 250;

/** The monorepo root: the nearest folder above this file whose package.json declares workspaces. */
function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, "utf8")) as { workspaces?: unknown };
      if (pkg.workspaces !== undefined) return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error(`no monorepo root (package.json with "workspaces") above ${import.meta.url}`);
    dir = parent;
  }
}

export const repoRoot: string = findRepoRoot();
export const schemaDir: string = path.resolve(repoRoot, "../shared/hrd-api");
export const requestSchemaPath: string = path.join(schemaDir, "api.xsd");
export const responseSchemaPath: string = path.join(schemaDir, "apiResponse.xsd");

const schemaText = new Map<Kind, Promise<string>>();

function loadSchema(kind: Kind): Promise<string> {
  let text = schemaText.get(kind);
  if (!text) {
    text = readFile(kind === "request" ? requestSchemaPath : responseSchemaPath, "utf8");
    schemaText.set(kind, text);
  }
  return text;
}

const XML_DECLARATION = /^\uFEFF?\s*<\?xml[^>]*\?>\s*/;
const REQUEST_ROOT_OPEN = /^<api(\s[^>]*?)?\s+xmlns\s*=\s*(["'])http:\/\/api\.hrd\.pl\/api\/\2([^>]*?)(\/?)>/;

/**
 * api.xsd is `elementFormDefault="unqualified"`: only the root `api` is in HRD's namespace. On the
 * wire the root declares it as the default namespace, which (textually) also puts the children in it,
 * so the wire form never validates as is. Rewriting only the root to a prefixed form puts the
 * children back in no namespace, which is what the schema describes. Anything else is left alone
 * (and then fails validation, which is the right signal).
 */
export function toValidatableRequest(xml: string): string {
  const body = xml.replace(XML_DECLARATION, "").trimEnd();
  const open = REQUEST_ROOT_OPEN.exec(body);
  if (!open) return body;
  const [whole, before = "", , after = "", selfClosing] = open;
  const root = `<h:api${before} xmlns:h="${HRD_NS}"${after}${selfClosing}>`;
  if (selfClosing) return root + body.slice(whole.length);
  if (!body.endsWith("</api>")) return body;
  return `${root}${body.slice(whole.length, -"</api>".length)}</h:api>`;
}

function prepare(kind: Kind, xml: string): string {
  return kind === "request" ? toValidatableRequest(xml) : xml.replace(/^\uFEFF/, "");
}

/** Splits xmllint's stderr into per-document results. Continuation lines (a parser error's source
 * line and caret) belong to the document named on the line before them. */
function splitOutput(output: string, names: readonly string[]): XsdResult[] {
  const byName = new Map(names.map((name) => [name, { valid: false, errors: [] as string[] }]));
  let current: XsdResult | undefined;
  for (const line of output.split("\n")) {
    if (line === "") continue;
    const verdict = /^(\S+) (validates|fails to validate)$/.exec(line);
    const named = verdict ? byName.get(verdict[1]!) : undefined;
    if (verdict && named) {
      named.valid = verdict[2] === "validates";
      current = undefined;
      continue;
    }
    const colon = line.indexOf(":");
    const owner = colon > 0 ? byName.get(line.slice(0, colon)) : undefined;
    if (owner) {
      owner.errors.push(line);
      current = owner;
    } else if (current) {
      current.errors.push(line);
    } else {
      // Not attributable to one document (e.g. a schema problem): report it on every document.
      for (const r of byName.values()) r.errors.push(line);
    }
  }
  return names.map((name) => {
    const r = byName.get(name)!;
    // xmllint says "validates" only after a full, successful validation.
    return { valid: r.valid && r.errors.length === 0, errors: r.errors };
  });
}

async function runBatch(kind: Kind, xmls: readonly string[]): Promise<XsdResult[]> {
  if (xmls.length === 0) return [];
  const schema = await loadSchema(kind);
  const names = xmls.map((_, i) => `${kind}-${i}.xml`);
  let output: string;
  try {
    const result = await validateXML({
      xml: xmls.map((xml, i) => ({ fileName: names[i]!, contents: prepare(kind, xml) })),
      schema: [
        {
          fileName: path.basename(kind === "request" ? requestSchemaPath : responseSchemaPath),
          contents: schema,
        },
      ],
    });
    output = result.rawOutput;
  } catch (err) {
    // xmllint-wasm rejects on exit codes it does not classify (e.g. some parser failures); its
    // message is xmllint's stderr, which still names each document.
    output = err instanceof Error ? err.message : String(err);
  }
  return splitOutput(output, names);
}

async function validateMany(kind: Kind, xmls: readonly string[]): Promise<XsdResult[]> {
  const results: XsdResult[] = [];
  for (let i = 0; i < xmls.length; i += BATCH_LIMIT) {
    results.push(...(await runBatch(kind, xmls.slice(i, i + BATCH_LIMIT))));
  }
  return results;
}

interface Pending {
  xml: string;
  resolve: (result: XsdResult) => void;
  reject: (err: unknown) => void;
}

const queues: Record<Kind, Pending[]> = { request: [], response: [] };

function enqueue(kind: Kind, xml: string): Promise<XsdResult> {
  return new Promise((resolve, reject) => {
    const queue = queues[kind];
    queue.push({ xml, resolve, reject });
    if (queue.length > 1) return;
    setImmediate(() => {
      const batch = queue.splice(0);
      validateMany(
        kind,
        batch.map((p) => p.xml),
      ).then(
        (results) => {
          for (const [i, p] of batch.entries()) p.resolve(results[i]!);
        },
        (err: unknown) => {
          for (const p of batch) p.reject(err);
        },
      );
    });
  });
}

/** Validates one wire request (`<api xmlns="http://api.hrd.pl/api/">…`) against api.xsd. */
export function validateRequest(xml: string): Promise<XsdResult> {
  return enqueue("request", xml);
}

/** Validates one response document against apiResponse.xsd, as is. */
export function validateResponse(xml: string): Promise<XsdResult> {
  return enqueue("response", xml);
}

/** Validates many wire requests in as few xmllint runs as possible; results are in input order. */
export function validateRequests(xmls: readonly string[]): Promise<XsdResult[]> {
  return validateMany("request", xmls);
}

/** Validates many responses in as few xmllint runs as possible; results are in input order. */
export function validateResponses(xmls: readonly string[]): Promise<XsdResult[]> {
  return validateMany("response", xmls);
}

function failure(kind: Kind, xml: string, result: XsdResult): Error {
  const schema = kind === "request" ? "api.xsd" : "apiResponse.xsd";
  return new Error(
    `${kind} does not validate against ${schema}:\n  ${result.errors.join("\n  ")}\n--- document:\n${xml}`,
  );
}

/** Throws with libxml2's messages when the request does not validate against api.xsd. */
export async function expectValidRequest(xml: string): Promise<void> {
  const result = await validateRequest(xml);
  if (!result.valid) throw failure("request", xml, result);
}

/** Throws with libxml2's messages when the response does not validate against apiResponse.xsd. */
export async function expectValidResponse(xml: string): Promise<void> {
  const result = await validateResponse(xml);
  if (!result.valid) throw failure("response", xml, result);
}

/** Throws with the messages of every document that does not validate against api.xsd. */
export async function expectValidRequests(xmls: readonly string[]): Promise<void> {
  const results = await validateRequests(xmls);
  const bad = results.flatMap((r, i) => (r.valid ? [] : [failure("request", xmls[i]!, r).message]));
  if (bad.length > 0)
    throw new Error(`${bad.length} of ${xmls.length} requests are invalid:\n${bad.join("\n\n")}`);
}

/** Throws with the messages of every document that does not validate against apiResponse.xsd. */
export async function expectValidResponses(xmls: readonly string[]): Promise<void> {
  const results = await validateResponses(xmls);
  const bad = results.flatMap((r, i) => (r.valid ? [] : [failure("response", xmls[i]!, r).message]));
  if (bad.length > 0)
    throw new Error(`${bad.length} of ${xmls.length} responses are invalid:\n${bad.join("\n\n")}`);
}
