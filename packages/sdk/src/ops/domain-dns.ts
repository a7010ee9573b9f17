/**
 * Declared operations of this area, by `module/method` (spread into the registry in index.ts).
 */
export const domainDnsOperations = {} as const;
