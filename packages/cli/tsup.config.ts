import { defineConfig } from "tsup";

// An application: ESM only (STACK.md: a CJS build of an app that imports ESM-only packages fails).
export default defineConfig({
  entry: ["src/index.ts", "src/main.ts"],
  format: ["esm"],
  dts: { compilerOptions: { composite: false } },
  target: "node20",
  clean: true,
  sourcemap: true,
});
