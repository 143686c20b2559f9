/** The shortest key the proxy accepts in KINTONE_OPENAPI_API_KEYS: 16 characters (`openssl rand -hex 24` makes 48). */
export const MIN_KEY_LENGTH = 16;

/**
 * Why the proxy would refuse `key` as one of its KINTONE_OPENAPI_API_KEYS, or undefined when it takes it: the one
 * rule, read by `serve` and by `salesforce set-key` (which must not set a key the proxy would never accept).
 */
export function apiKeyProblem(key: string): string | undefined {
  if (key.length < MIN_KEY_LENGTH)
    return `has ${key.length} characters; use keys of at least ${MIN_KEY_LENGTH} (make one with: openssl rand -hex 24)`;
  return undefined;
}
