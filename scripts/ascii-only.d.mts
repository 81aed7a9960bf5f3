/** See scripts/ascii-only.mjs. */
export function asciiOnly(code: string, name?: string): string
