import { defineConfig } from "vitest/config";

// Tests run against the TypeScript sources of the workspace packages (the "@hrdkit/source"
// export condition), so a change in src is tested without a build.
const conditions = ["@hrdkit/source", "import", "module", "node", "default"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ["packages/*/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    server: { deps: { inline: [/@hrdkit\//] } },
  },
});
