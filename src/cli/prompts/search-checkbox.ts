import {
  createPrompt,
  isBackspaceKey,
  isDownKey,
  isEnterKey,
  isSpaceKey,
  isUpKey,
  type KeypressEvent,
  makeTheme,
  useKeypress,
  useMemo,
  usePagination,
  usePrefix,
  useState,
} from "@inquirer/core";

export type SearchChoice<Value> = { value: Value; name: string; description?: string };

export type SearchCheckboxConfig<Value> = {
  message: string;
  choices: ReadonlyArray<SearchChoice<Value>>;
  pageSize?: number;
  /** Values selected at the start. */
  selected?: ReadonlyArray<Value>;
};

/**
 * A multi-select list that filters as you type: letters narrow the list (matching name and description), arrows
 * move, space selects, enter confirms. The choice of many apps out of hundreds needs both search and selection.
 */
export const searchCheckbox = createPrompt(
  <Value>(config: SearchCheckboxConfig<Value>, done: (value: Value[]) => void) => {
    const theme = makeTheme({});
    const [status, setStatus] = useState<"idle" | "done">("idle");
    const [query, setQuery] = useState("");
    const [active, setActive] = useState(0);
    const [chosen, setChosen] = useState<ReadonlyArray<Value>>(config.selected ?? []);
    const [error, setError] = useState<string | undefined>(undefined);
    const prefix = usePrefix({ status, theme });
    const visible = useMemo(() => {
      const words = query.toLowerCase().split(/\s+/).filter(Boolean);
      return config.choices.filter((choice) => {
        const text = `${choice.name} ${choice.description ?? ""}`.toLowerCase();
        return words.every((word) => text.includes(word));
      });
    }, [query, config.choices]);

    useKeypress((key: KeypressEvent & { sequence?: string }, rl) => {
      rl.clearLine(0);
      if (isEnterKey(key)) {
        if (chosen.length === 0) {
          setError("Select at least one with space.");
          return;
        }
        setStatus("done");
        done([...chosen]);
      } else if (isUpKey(key) || isDownKey(key)) {
        if (visible.length > 0)
          setActive((active + (isUpKey(key) ? visible.length - 1 : 1)) % visible.length);
      } else if (isSpaceKey(key)) {
        const choice = visible[active];
        if (choice !== undefined) {
          setChosen(
            chosen.includes(choice.value)
              ? chosen.filter((v) => v !== choice.value)
              : [...chosen, choice.value],
          );
          setError(undefined);
        }
      } else if (isBackspaceKey(key)) {
        setQuery(query.slice(0, -1));
        setActive(0);
      } else if (
        !key.ctrl &&
        typeof key.sequence === "string" &&
        key.sequence.length === 1 &&
        key.sequence >= " "
      ) {
        setQuery(query + key.sequence);
        setActive(0);
      }
    });

    const message = theme.style.message(config.message, status);
    if (status === "done") {
      const names = config.choices.filter((c) => chosen.includes(c.value)).map((c) => c.name);
      return `${prefix} ${message} ${theme.style.answer(names.join(", "))}`;
    }
    const page = usePagination({
      items: visible,
      active: Math.min(active, Math.max(0, visible.length - 1)),
      pageSize: config.pageSize ?? 10,
      loop: false,
      renderItem: ({ item, isActive }) => {
        const mark = chosen.includes(item.value) ? "◉" : "◯";
        const line = `${isActive ? "❯" : " "} ${mark} ${item.name}${item.description ? ` ${theme.style.help(item.description)}` : ""}`;
        return isActive ? theme.style.highlight(line) : line;
      },
    });
    const help = theme.style.help("type to filter, ↑↓ to move, space to select, enter to confirm");
    const summary = `${chosen.length} selected, ${visible.length} of ${config.choices.length} shown`;
    const lines = [
      `${prefix} ${message} ${help}`,
      `  Filter: ${query}`,
      visible.length === 0 ? "  (nothing matches)" : page,
      `  ${theme.style.help(summary)}`,
    ];
    if (error) lines.push(theme.style.error(error));
    return lines.join("\n");
  },
);
