import { ProxyError } from "../errors.js";
import type { OptionalHandler } from "./optional.js";

/**
 * Bounds how many requests of a kind this process handles at once: a kind whose body may be megabytes (bulk writes,
 * file uploads) would otherwise fill the memory with requests held open. Beyond `max`, the answer is 503 ProxyBusy
 * with Retry-After, before the body is read; the connection is closed rather than kept for the next request.
 */
export function atMostAtOnce(max: number, what: string, handler: OptionalHandler): OptionalHandler {
  let running = 0;
  return {
    ...handler,
    async handle(request) {
      if (running >= max)
        throw new ProxyError(
          503,
          "ProxyBusy",
          `The proxy is handling ${max} ${what} already; retry shortly.`,
          {
            headers: { "retry-after": "2", connection: "close" },
          },
        );
      running++;
      try {
        return await handler.handle(request);
      } finally {
        running--;
      }
    },
  };
}
