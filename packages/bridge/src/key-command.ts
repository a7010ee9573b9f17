/**
 * `hrdkit-bridge key create [name] | list | revoke <id>`: the panel modules' keys, managed from
 * the command line on the database the bridge itself uses. The full key is printed once, by
 * `create`; the database keeps only the id and the signing key derived from the secret.
 */
import type { Db } from "@hrdkit/billing";
import { createKey, revokeKey } from "./store.js";

export const KEY_USAGE = [
  "usage: hrdkit-bridge key create [name]   make a module key (printed once: keep it)",
  "       hrdkit-bridge key list            list the keys: id, state, when made, name",
  "       hrdkit-bridge key revoke <id>     revoke a key (hk_<id>, or the whole key)",
].join("\n");

export interface KeyInfo {
  id: string;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export async function listKeys(db: Db): Promise<KeyInfo[]> {
  const { rows } = await db.query<{ id: string; name: string; created_at: Date; revoked_at: Date | null }>(
    "SELECT id, name, created_at, revoked_at FROM bridge_keys ORDER BY created_at, id",
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: new Date(r.created_at),
    revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
  }));
}

/** `hk_<id>.<secret>`, `hk_<id>` or `<id>` → `<id>` (what an admin pastes varies). */
export function keyIdOf(text: string): string {
  return text.trim().replace(/^hk_/, "").split(".")[0]!;
}

/**
 * Runs one `key` subcommand. Writes what a user reads to `out` and what went wrong to `err`;
 * returns the process exit code (0 done, 1 refused, 2 wrong usage).
 */
export async function runKeyCommand(
  db: Db,
  args: readonly string[],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const [command, ...rest] = args;
  if (command === "create") {
    const name = rest.join(" ").trim() || `key made ${new Date().toISOString()}`;
    if (name.length > 200) {
      err("hrdkit-bridge key create: the name is longer than 200 characters");
      return 2;
    }
    const { id, key } = await createKey(db, name);
    out(`module key ${id} "${name}" (shown once, keep it):`);
    out(key);
    return 0;
  }
  if (command === "list" && rest.length === 0) {
    const keys = await listKeys(db);
    if (keys.length === 0) out("no module keys yet: make one with `hrdkit-bridge key create <name>`");
    for (const k of keys) {
      const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : "active";
      out(`hk_${k.id}  ${state.padEnd(32)}  made ${k.createdAt.toISOString()}  ${k.name}`);
    }
    return 0;
  }
  if (command === "revoke" && rest.length === 1) {
    const id = keyIdOf(rest[0]!);
    if (await revokeKey(db, id)) {
      out(`key hk_${id} revoked: requests signed with it are refused from now on`);
      return 0;
    }
    const known = (await listKeys(db)).some((k) => k.id === id);
    err(`hrdkit-bridge key revoke: ${known ? `key hk_${id} is revoked already` : `no key hk_${id}`}`);
    return 1;
  }
  err(KEY_USAGE);
  return 2;
}
