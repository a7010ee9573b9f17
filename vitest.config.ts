import { defineConfig } from "vitest/config";

// Tests run against the TypeScript sources of the workspace packages (the "@hrdkit/source"
// export condition), so a change in src is tested without a build.
// Only for what Vite resolves itself: external packages (pg, PGlite) are loaded by Node with its own
// conditions — "import" passed to Node would make require("pg-pool") return an ES module namespace.
const conditions = ["@hrdkit/source", "module", "node", "development|production"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ["packages/*/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    server: { deps: { inline: [/@hrdkit\//] } },
  },
});
