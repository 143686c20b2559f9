import { randomBytes } from "node:crypto";

/** An error the sandbox answers with, shaped like Kintone's (kintone-api.md §5.2). */
export class KintoneApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: Record<string, { messages: string[] }>,
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return {
      code: this.code,
      id: randomBytes(15).toString("base64url").slice(0, 20),
      message: this.message,
      ...(this.errors !== undefined ? { errors: this.errors } : {}),
    };
  }
}

/** `400 CB_VA01` with Kintone's `errors` object: one key per invalid input. */
export function invalidInput(errors: Record<string, string[]>): KintoneApiError {
  const shaped: Record<string, { messages: string[] }> = {};
  for (const [key, messages] of Object.entries(errors)) shaped[key] = { messages };
  return new KintoneApiError(400, "CB_VA01", "Missing or invalid input.", shaped);
}

export const appNotFound = (id: string) =>
  new KintoneApiError(404, "GAIA_AP01", `The app (ID: ${id}) not found. The app may have been deleted.`);

export const noPermission = () => new KintoneApiError(403, "CB_NO02", "No privilege to proceed.");
