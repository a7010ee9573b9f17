export { App } from "./app.js";
export { databaseSettings, hrdCredentials, loadSettings, profilePrefix } from "./config.js";
export { describeError } from "./errors.js";
export { CliError, EXIT, type ExitCode } from "./exit-codes.js";
export type { GlobalOptions, Io } from "./io.js";
export { Output, type Progress, renderTable } from "./output.js";
export { allCommands, buildProgram, run, VERSION } from "./program.js";
