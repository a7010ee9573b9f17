import { parseArgs } from "node:util";
import { startSandbox } from "./server.js";

const HELP = `hrdkit-sandbox — a stateful HRD.pl API v2 simulator on the real wire (TLS, signed XML frames)

Usage: hrdkit-sandbox [--port N] [--host H] [--login L] [--password P] [--api-key HEX]
                      [--balance GROSZE] [--action-delay MS] [--seed N] [--admin-port N]

  --port         TCP port (0 = any free port; default 0)
  --host         address to listen on (default 127.0.0.1)
  --login, --password, --api-key
                 fixed credentials (default: login "hrdkit", random password and key);
                 also HRD_SANDBOX_LOGIN, HRD_SANDBOX_PASSWORD, HRD_SANDBOX_API_KEY
  --balance      starting partner balance in grosze (default 1000000 = 10 000 zł)
  --action-delay how long actions take, ms of sandbox time (default 500)
  --seed         seed of random fault rules (default 1)
  --admin-port   start the admin HTTP interface on 127.0.0.1 at this port (0 = any free port;
                 default: off). Its bearer token is random, or HRD_SANDBOX_ADMIN_TOKEN

When listening it prints one JSON line on stdout:
  {"event":"listening","host":…,"port":…,"login":…,"password":…,"apiKey":…,"ca":"-----BEGIN CERTIFICATE-----…"}
(plus "adminUrl" and "adminToken" with --admin-port) and serves until SIGINT or SIGTERM.`;

function parseOrExit() {
  try {
    return parseArgs({ options: OPTIONS });
  } catch (err) {
    process.stderr.write(`hrdkit-sandbox: ${(err as Error).message}\n(see --help)\n`);
    process.exit(2);
  }
}

const OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  login: { type: "string" },
  password: { type: "string" },
  "api-key": { type: "string" },
  balance: { type: "string" },
  "action-delay": { type: "string" },
  seed: { type: "string" },
  "admin-port": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const { values } = parseOrExit();

if (values.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

function intOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`hrdkit-sandbox: --${name} must be a whole number ≥ 0, not "${raw}"\n`);
    process.exit(2);
  }
  return n;
}

const env = process.env;
const adminPort = intOption("admin-port", values["admin-port"]);
const sandbox = await startSandbox({
  port: intOption("port", values.port),
  host: values.host,
  login: values.login ?? env.HRD_SANDBOX_LOGIN,
  password: values.password ?? env.HRD_SANDBOX_PASSWORD,
  apiKey: values["api-key"] ?? env.HRD_SANDBOX_API_KEY,
  balance: intOption("balance", values.balance),
  actionDelayMs: intOption("action-delay", values["action-delay"]),
  seed: intOption("seed", values.seed),
  admin:
    adminPort === undefined ? false : { port: adminPort, token: env.HRD_SANDBOX_ADMIN_TOKEN || undefined },
}).catch((err: Error) => {
  process.stderr.write(`hrdkit-sandbox: ${err.message}\n`);
  process.exit(1);
});

process.stdout.write(
  `${JSON.stringify({
    event: "listening",
    host: sandbox.host,
    port: sandbox.port,
    login: sandbox.login,
    password: sandbox.password,
    apiKey: sandbox.apiKey,
    ca: sandbox.ca,
    adminUrl: sandbox.adminUrl,
    adminToken: sandbox.adminToken,
  })}\n`,
);

const stop = async () => {
  await sandbox.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
