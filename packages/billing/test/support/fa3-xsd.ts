/**
 * The official FA(3) schema in ../shared/ksef, read in place (its imports preloaded as
 * bazowe/<name>), and a validator that runs libxml2 (xmllint-wasm) over FA(3) documents.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { validateXML } from "xmllint-wasm";

function sharedKsefDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, "..", "shared", "ksef");
    if (existsSync(path.join(candidate, "schemat_FA3_v1-0E.xsd"))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("../shared/ksef/schemat_FA3_v1-0E.xsd not found above the test");
    dir = parent;
  }
}
const KSEF = sharedKsefDir();
const schema = {
  fileName: "schemat_FA3_v1-0E.xsd",
  contents: readFileSync(path.join(KSEF, "schemat_FA3_v1-0E.xsd"), "utf8"),
};
const preload = [
  "StrukturyDanych_v10-0E.xsd",
  "ElementarneTypyDanych_v10-0E.xsd",
  "KodyKrajow_v10-0E.xsd",
].map((name) => ({
  fileName: `bazowe/${name}`,
  contents: readFileSync(path.join(KSEF, "bazowe", name), "utf8"),
}));

/** Validates documents in one xmllint run; returns libxml2's messages per document ([] = valid). */
export async function xsdErrors(xmls: Record<string, string>): Promise<Record<string, string[]>> {
  const names = Object.keys(xmls);
  let output: string;
  try {
    const r = await validateXML({
      xml: names.map((n) => ({ fileName: `${n}.xml`, contents: xmls[n]! })),
      schema,
      preload,
      maxMemoryPages: 16_384,
    });
    output = r.rawOutput;
  } catch (err) {
    output = err instanceof Error ? err.message : String(err);
  }
  const result: Record<string, string[]> = {};
  for (const n of names) {
    const lines = output.split("\n").filter((l) => l.startsWith(`${n}.xml`));
    result[n] = lines.includes(`${n}.xml validates`) ? [] : lines.length ? lines : [`${n}.xml: no verdict`];
  }
  return result;
}
