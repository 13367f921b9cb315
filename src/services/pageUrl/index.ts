/**
 * Writes the page's own query (filters) into its URL so that a reload keeps them. A mini-program
 * page is not reloaded from its URL: nothing to do there (index.h5.ts does it in the browser).
 */
export function replaceQuery(_params: Record<string, string | undefined>): void {}
