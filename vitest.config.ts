import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["@hrdkit/source"] },
  test: {
    include: ["packages/*/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
