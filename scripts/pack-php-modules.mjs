#!/usr/bin/env node
/**
 * Packs the PHP panel modules of @hrdkit/bridge into zips that unpack into the panel's own folder:
 *
 *   dist-php/hrdkit-whmcs.zip      → unzip in the WHMCS root: modules/registrars/hrdkit/…
 *   dist-php/hrdkit-whmcs-ssl.zip  → unzip in the WHMCS root: modules/servers/hrdkitssl/…
 *   dist-php/hrdkit-hostbill.zip   → unzip in the HostBill root: includes/modules/Domain/hrdkit/…
 *
 * Each zip is self-contained: the shared client (packages/bridge/php/shared/HrdkitBridgeClient.php)
 * is copied into the module's lib/ folder, where the module looks for it first.
 *
 * Uses the `zip` program when it is on the PATH; otherwise (or with HRDKIT_PACK_NO_ZIP=1) writes
 * the zip itself with node:zlib (deflate + crc32). Usage:
 *   node scripts/pack-php-modules.mjs [--out <dir>]     (default: dist-php in the repository root)
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32, deflateRawSync } from "node:zlib";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const php = join(root, "packages/bridge/php");

/**
 * name → the folder whose content is the zip's root, the module folder (relative to it) that goes
 * into the zip, and where the shared client goes in it.
 */
const MODULES = [
  {
    name: "hrdkit-whmcs",
    source: join(php, "whmcs"),
    module: "modules/registrars/hrdkit",
    lib: "modules/registrars/hrdkit/lib",
  },
  {
    name: "hrdkit-whmcs-ssl",
    source: join(php, "whmcs"),
    module: "modules/servers/hrdkitssl",
    lib: "modules/servers/hrdkitssl/lib",
  },
  {
    name: "hrdkit-hostbill",
    source: join(php, "hostbill"),
    module: "includes/modules/Domain/hrdkit",
    lib: "includes/modules/Domain/hrdkit/lib",
  },
];

const outArg = process.argv.indexOf("--out");
const outDir = resolve(outArg > 0 ? process.argv[outArg + 1] : join(root, "dist-php"));

function filesUnder(dir) {
  const out = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out;
}

/** A zip (deflate, no extra fields), the file names in forward-slash form. */
function writeZip(zipPath, baseDir) {
  const locals = [];
  const central = [];
  let offset = 0;
  // 1980-01-01 00:00 (DOS time): reproducible archives.
  const dosTime = 0;
  const dosDate = (0 << 9) | (1 << 5) | 1;
  for (const file of filesUnder(baseDir)) {
    const name = Buffer.from(relative(baseDir, file).split(sep).join("/"), "utf8");
    const data = readFileSync(file);
    const packed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, packed);
    const head = Buffer.alloc(46);
    head.writeUInt32LE(0x02014b50, 0);
    head.writeUInt16LE(0x031e, 4); // made by: Unix, 3.0
    head.writeUInt16LE(20, 6);
    head.writeUInt16LE(0x0800, 8);
    head.writeUInt16LE(8, 10);
    head.writeUInt16LE(dosTime, 12);
    head.writeUInt16LE(dosDate, 14);
    head.writeUInt32LE(crc, 16);
    head.writeUInt32LE(packed.length, 20);
    head.writeUInt32LE(data.length, 24);
    head.writeUInt16LE(name.length, 28);
    head.writeUInt32LE(((0o100644 << 16) >>> 0) >>> 0, 38); // rw-r--r--
    head.writeUInt32LE(offset, 42);
    central.push(head, name);
    offset += local.length + name.length + packed.length;
  }
  const centralBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = central.length / 2;
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(centralBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(zipPath, Buffer.concat([...locals, centralBuf, end]));
}

const useZipProgram =
  process.env.HRDKIT_PACK_NO_ZIP !== "1" && spawnSync("zip", ["-v"], { stdio: "ignore" }).status === 0;

mkdirSync(outDir, { recursive: true });
const stage = mkdtempSync(join(tmpdir(), "hrdkit-pack-"));
try {
  for (const m of MODULES) {
    const dir = join(stage, m.name);
    cpSync(join(m.source, m.module), join(dir, m.module), { recursive: true });
    mkdirSync(join(dir, m.lib), { recursive: true });
    cpSync(join(php, "shared/HrdkitBridgeClient.php"), join(dir, m.lib, "HrdkitBridgeClient.php"));
    const zipPath = join(outDir, `${m.name}.zip`);
    rmSync(zipPath, { force: true });
    if (useZipProgram) {
      const r = spawnSync("zip", ["-r", "-X", "-q", zipPath, "."], { cwd: dir, stdio: "inherit" });
      if (r.status !== 0) throw new Error(`zip failed for ${m.name}`);
    } else {
      writeZip(zipPath, dir);
    }
    console.log(`${relative(process.cwd(), zipPath) || zipPath} (${useZipProgram ? "zip" : "node:zlib"})`);
  }
} finally {
  rmSync(stage, { recursive: true, force: true });
}
