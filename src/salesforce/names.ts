import { UsageError } from "../errors.js";

/**
 * Salesforce developer names (API names): letters, digits and underscores; starts with a letter; no `__`; no
 * trailing `_`. Tooling API ExternalServiceRegistration, DeveloperName:
 * https://developer.salesforce.com/docs/atlas.en-us.api_tooling.meta/api_tooling/tooling_api_objects_externalserviceregistration.htm
 */
export const DEVELOPER_NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?<!_)$/;

/** Longest base name taken from --service-name: the longest derived name (`<base>_Proxy_Callout`) stays ≤ 80. */
export const MAX_BASE_LENGTH = 40;
/** Longest --service-name: labels (`<name> proxy callout`) stay within Salesforce's 80 characters. */
export const MAX_LABEL_LENGTH = 60;

/** Every name the folder uses, derived from one service name, the same on every run. */
export type SalesforceNames = {
  /** The label shown in Setup (the --service-name as given). */
  label: string;
  /** ExternalServiceRegistration: Apex classes are `ExternalService.<registration>…`. */
  registration: string;
  externalCredential: string;
  namedCredential: string;
  permissionSet: string;
  /** The External Credential's one named principal. */
  principal: string;
  /** The principal's authentication parameter that holds the proxy key (set by `set-key`, never in metadata). */
  keyParameter: string;
};

export function isDeveloperName(name: string): boolean {
  return DEVELOPER_NAME.test(name);
}

/** What --service-name takes, in the words of its error. */
export const SERVICE_NAME_RULE =
  "ASCII letters, digits, spaces, underscores or hyphens, starting with a letter";

/** An input cut for an error message: never a long paste echoed back in full. */
function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/**
 * Derives the developer names from --service-name ("Kintone", "Kintone Sales" → `Kintone_Sales`): the name holds
 * only SERVICE_NAME_RULE's characters, and each run of spaces, underscores and hyphens becomes one `_` (so "a-b",
 * "a b" and "a_b" name the same service). Anything else is refused (a UsageError naming the flag), never rewritten.
 */
export function deriveNames(serviceName: string, flag = "--service-name"): SalesforceNames {
  const label = serviceName.trim();
  if (!/^[A-Za-z][A-Za-z0-9 _-]*$/.test(label)) {
    throw new UsageError(
      `${flag} takes ${SERVICE_NAME_RULE} (got ${shown(serviceName)}), e.g. ${flag === "--service-name" ? "--service-name Kintone" : "Kintone"}.`,
    );
  }
  const base = label.replace(/[ _-]+/g, "_").replace(/_+$/g, "");
  if (base.length > MAX_BASE_LENGTH || label.length > MAX_LABEL_LENGTH) {
    throw new UsageError(
      `${flag} is too long (at most ${MAX_LABEL_LENGTH} characters, and ${MAX_BASE_LENGTH} in the developer name; got ${shown(label)}): give a shorter name.`,
    );
  }
  return {
    label,
    registration: base,
    externalCredential: `${base}_Proxy`,
    namedCredential: `${base}_Proxy`,
    permissionSet: `${base}_Proxy_Callout`,
    principal: "Proxy",
    keyParameter: "ApiKey",
  };
}
