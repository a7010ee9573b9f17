import { config } from "dotenv";
import { HrdConfigError } from "./errors.js";

/** Reads HRD credentials from the environment (after loading `.env`, if present). */
export function loadCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  if (env === process.env) config({ quiet: true });
  const missing = ["HRD_LOGIN", "HRD_PASSWORD", "HRD_API_KEY"].filter((k) => !env[k]);
  if (missing.length) {
    throw new HrdConfigError(
      `missing ${missing.join(", ")}: set them in the environment or in .env ` +
        `(the API login, API password and API key from HRD's purchase panel → Ustawienia → API)`,
      missing,
    );
  }
  const port = env.HRD_PORT ? Number(env.HRD_PORT) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new HrdConfigError(`HRD_PORT must be a TCP port number, not "${env.HRD_PORT}"`, ["HRD_PORT"]);
  }
  return {
    login: env.HRD_LOGIN!,
    password: env.HRD_PASSWORD!,
    apiKey: env.HRD_API_KEY!,
    host: env.HRD_HOST || undefined,
    port,
  };
}
