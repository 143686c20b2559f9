import {
  createPrompt,
  isBackspaceKey,
  isDownKey,
  isEnterKey,
  isTabKey,
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

/** The hint line: what each key does. Selection is on Tab, so that every printable key (space too) searches. */
export const SEARCH_CHECKBOX_HELP = "type to search, ↑↓ to move, Tab to select, Enter to confirm";

/**
 * A multi-select list that filters as you type: every printable character, space included, goes to the search
 * (matching name and description, word by word), arrows move, Tab selects or unselects the highlighted item, Enter
 * confirms; with nothing selected, Enter takes the highlighted item (as fzf does). The choice of many apps out of
 * hundreds needs both search and selection, and app names have spaces.
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
      const highlighted = visible[Math.min(active, Math.max(0, visible.length - 1))];
      if (isEnterKey(key)) {
        const answer = chosen.length > 0 ? [...chosen] : highlighted ? [highlighted.value] : [];
        if (answer.length === 0) {
          setError("Nothing matches the search: delete some of it, then select with Tab.");
          return;
        }
        setChosen(answer);
        setStatus("done");
        done(answer);
      } else if (isUpKey(key) || isDownKey(key)) {
        if (visible.length > 0)
          setActive((active + (isUpKey(key) ? visible.length - 1 : 1)) % visible.length);
      } else if (isTabKey(key)) {
        if (highlighted !== undefined) {
          setChosen(
            chosen.includes(highlighted.value)
              ? chosen.filter((v) => v !== highlighted.value)
              : [...chosen, highlighted.value],
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
        setError(undefined);
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
    const help = theme.style.help(SEARCH_CHECKBOX_HELP);
    const summary = `${chosen.length} selected, ${visible.length} of ${config.choices.length} shown`;
    const lines = [
      `${prefix} ${message}`,
      `  ${help}`,
      `  Search: ${query}`,
      visible.length === 0 ? "  (nothing matches)" : page,
      `  ${theme.style.help(summary)}`,
    ];
    if (error) lines.push(theme.style.error(error));
    return lines.join("\n");
  },
);
