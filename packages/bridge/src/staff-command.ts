/**
 * `hrdkit-bridge staff create --email … --name … | list | disable <id|e-mail> | enable <id|e-mail>`:
 * the partner panel's logins, managed from the command line on the bridge's database. This is how
 * the first staff member is made (the panel has no sign-up). The password is read from the
 * environment (HRDKIT_STAFF_PASSWORD) or from standard input, never from an argument: arguments
 * show in `ps` and in the shell's history.
 */
import {
  BillingConflictError,
  BillingValidationError,
  createStaff,
  type Db,
  listStaff,
  setStaffDisabled,
} from "@hrdkit/billing";

export const STAFF_USAGE = [
  "usage: hrdkit-bridge staff create --email <e-mail> --name <name>",
  "                                       make a partner-panel login; the password comes from",
  "                                       HRDKIT_STAFF_PASSWORD or the first line of standard input",
  "       hrdkit-bridge staff list        list the logins: id, state, e-mail, name",
  "       hrdkit-bridge staff disable <id|e-mail>   block a login and end its sessions",
  "       hrdkit-bridge staff enable <id|e-mail>    unblock it",
].join("\n");

/** `--email x`, `--email=x`; unknown options are wrong usage. */
function options(args: readonly string[], allowed: string[]): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(a);
    if (!m || !allowed.includes(m[1]!)) return null;
    const value = m[2] ?? args[++i];
    if (value === undefined) return null;
    out[m[1]!] = value;
  }
  return out;
}

/**
 * Runs one `staff` subcommand; `readPassword` gives the password (env or stdin, see main.ts).
 * Returns the exit code: 0 done, 1 refused, 2 wrong usage.
 */
export async function runStaffCommand(
  db: Db,
  args: readonly string[],
  io: { out: (line: string) => void; err: (line: string) => void; readPassword: () => Promise<string> },
): Promise<number> {
  const [command, ...rest] = args;
  if (command === "create") {
    const o = options(rest, ["email", "name"]);
    if (!o?.email || !o.name) {
      io.err(STAFF_USAGE);
      return 2;
    }
    const password = await io.readPassword();
    try {
      const s = await createStaff(db, { email: o.email, name: o.name, password });
      io.out(`staff member ${s.id} made: ${s.email} (${s.name}); log in at <bridge URL>/panel/login`);
      return 0;
    } catch (e) {
      if (e instanceof BillingValidationError) {
        for (const i of e.issues) io.err(`hrdkit-bridge staff create: ${i.path}: ${i.message}`);
        return 1;
      }
      if (e instanceof BillingConflictError) {
        io.err(`hrdkit-bridge staff create: ${o.email} has a login already`);
        return 1;
      }
      throw e;
    }
  }
  if (command === "list" && rest.length === 0) {
    const staff = await listStaff(db);
    if (staff.length === 0) io.out("no staff logins yet: make one with `hrdkit-bridge staff create`");
    for (const s of staff) {
      io.out(`${String(s.id).padStart(4)}  ${s.disabled ? "disabled" : "active  "}  ${s.email}  ${s.name}`);
    }
    return 0;
  }
  if ((command === "disable" || command === "enable") && rest.length === 1) {
    const which = rest[0]!.trim();
    const staff = await listStaff(db);
    const s = staff.find((x) => String(x.id) === which || x.email.toLowerCase() === which.toLowerCase());
    if (!s) {
      io.err(`hrdkit-bridge staff ${command}: no staff login ${which}`);
      return 1;
    }
    const after = await setStaffDisabled(db, s.id, command === "disable");
    io.out(
      `staff login ${after.id} (${after.email}) ${after.disabled ? "disabled: its sessions ended" : "enabled"}`,
    );
    return 0;
  }
  io.err(STAFF_USAGE);
  return 2;
}

/** The password: HRDKIT_STAFF_PASSWORD, else standard input's first line (piped or typed). */
export async function readStaffPassword(
  env: NodeJS.ProcessEnv = process.env,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<string> {
  const fromEnv = env.HRDKIT_STAFF_PASSWORD;
  if (fromEnv) return fromEnv;
  if ((stdin as { isTTY?: boolean }).isTTY) process.stderr.write("password (the line is shown as typed): ");
  let text = "";
  for await (const chunk of stdin) {
    text += typeof chunk === "string" ? chunk : (chunk as Buffer).toString("utf8");
    const nl = text.indexOf("\n");
    if (nl >= 0) return text.slice(0, nl).replace(/\r$/, "");
  }
  return text;
}
