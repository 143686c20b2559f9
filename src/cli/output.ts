import { Chalk, type ChalkInstance } from "chalk";

/** Where the CLI writes, and how it colours. The only place that touches stdout and stderr. */
export type Output = {
  color: ChalkInstance;
  /** Results (a spec with --stdout, reports): stdout. */
  out(text: string): void;
  /** Progress, warnings, errors, next steps: stderr, so stdout stays clean for pipes. */
  info(text: string): void;
  warn(text: string): void;
  error(text: string): void;
  quiet: boolean;
};

/** Colour level: NO_COLOR (any value) turns it off, FORCE_COLOR turns it on, otherwise a TTY decides. */
export function colorLevel(env: NodeJS.ProcessEnv, isTTY: boolean): 0 | 1 | 2 | 3 {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === "0" || force === "false") return 0;
    const level = Number(force);
    return level >= 1 && level <= 3 ? (level as 1 | 2 | 3) : 1;
  }
  return isTTY && env.TERM !== "dumb" ? 1 : 0;
}

/** Writes unless the reader has gone (a closed pipe: main.ts lets the command finish quietly). */
function write(stream: NodeJS.WriteStream, text: string): void {
  if (!stream.destroyed) stream.write(text);
}

export function createOutput(options: { quiet?: boolean } = {}): Output {
  const color = new Chalk({ level: colorLevel(process.env, process.stderr.isTTY === true) });
  const quiet = options.quiet === true;
  return {
    color,
    quiet,
    out: (text) => write(process.stdout, text.endsWith("\n") ? text : `${text}\n`),
    info: (text) => {
      if (!quiet) write(process.stderr, `${text}\n`);
    },
    warn: (text) => write(process.stderr, `${color.yellow("warning:")} ${text}\n`),
    error: (text) => write(process.stderr, `${color.red("error:")} ${text}\n`),
  };
}
