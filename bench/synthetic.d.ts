export function writeApp(
  dir: string,
  appId: string | number,
  name: string,
  properties: Record<string, unknown>,
  records?: unknown[],
): Promise<void>;
export function writeSyntheticSnapshot(
  dir: string,
  apps: number,
  fields: number,
  firstId?: number,
): Promise<void>;
