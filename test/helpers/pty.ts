import { type ChildProcess, spawn } from "node:child_process";
import { BIN, cleanEnv } from "./cli.js";

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[()][0-9A-Za-z]|\u001b[=>78]/g;

/**
 * Runs the built CLI in a real pseudo-terminal (util-linux `script`), so that it sees a TTY and prompts as it does
 * for a person: `expect` waits for text on the screen, `send` types.
 */
export class PtySession {
  private readonly child: ChildProcess;
  private raw = "";
  private cursor = 0;
  readonly exit: Promise<number>;

  constructor(args: readonly string[], options: { cwd: string; env?: Record<string, string> }) {
    const env = cleanEnv({ TERM: "xterm-256color", COLUMNS: "120", LINES: "40", ...options.env });
    delete env.CI;
    const command = [process.execPath, BIN, ...args]
      .map((part) => `'${part.replace(/'/g, `'"'"'`)}'`)
      .join(" ");
    this.child = spawn("script", ["-qfec", command, "/dev/null"], {
      cwd: options.cwd,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stdout?.on("data", (chunk: Buffer) => {
      this.raw += chunk.toString("utf8");
    });
    this.child.stderr?.on("data", (chunk: Buffer) => {
      this.raw += chunk.toString("utf8");
    });
    this.exit = new Promise((resolve) => this.child.on("exit", (code) => resolve(code ?? -1)));
  }

  /** What the screen showed so far, without terminal control codes. */
  get text(): string {
    return this.raw.replace(ANSI, "").replace(/\r/g, "");
  }

  /** Waits for `pattern` to appear after what earlier expects consumed. */
  async expect(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.text.slice(this.cursor);
      const match = pattern.exec(rest);
      if (match) {
        this.cursor += match.index + match[0].length;
        return;
      }
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${pattern}; the screen ends with:\n${rest.slice(-1500)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  send(keys: string): void {
    this.child.stdin?.write(keys);
  }

  kill(): void {
    this.child.kill("SIGKILL");
  }
}

export const KEYS = { enter: "\r", down: "\u001b[B", space: " ", tab: "\t", ctrlC: "\u0003" };
