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

/**
 * Derives the developer names from --service-name ("Kintone", "Kintone Sales" → `Kintone_Sales`): every run of
 * characters outside [A-Za-z0-9] becomes one `_`, leading and trailing ones are dropped. A name that starts with a
 * digit or has no letters left is refused (a UsageError naming the flag).
 */
export function deriveNames(serviceName: string): SalesforceNames {
  const label = serviceName.trim();
  const base = label.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  if (base === "" || !/^[A-Za-z]/.test(base)) {
    throw new UsageError(
      `--service-name must start with an ASCII letter and hold letters, digits, spaces or underscores (got ${JSON.stringify(serviceName)}), e.g. --service-name Kintone.`,
    );
  }
  if (base.length > MAX_BASE_LENGTH || label.length > MAX_LABEL_LENGTH) {
    throw new UsageError(
      `--service-name is too long (at most ${MAX_LABEL_LENGTH} characters, and ${MAX_BASE_LENGTH} in the developer name ${base}): give a shorter name.`,
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
