import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: { compilerOptions: { composite: false } },
  target: "node20",
  clean: true,
  sourcemap: true,
  // p-retry 7 (and its is-network-error) is ESM-only. Left external, the CJS build would
  // `require()` it and, on the ES module namespace it gets back, call `.default` through
  // esbuild's interop helper — which points at the namespace, not the function: every call of a
  // CommonJS consumer failed with "import_p_retry.default is not a function". Bundled, both
  // builds carry the same code and neither loads an ESM-only module at run time. p-retry stays in
  // `dependencies`: it is the retry engine the project chose (DESIGN.md), and its licence and
  // version show there (listing it there does not make tsup leave it external: noExternal wins).
  noExternal: ["p-retry", "is-network-error"],
});
