import { Argument, type Command } from "commander";
import type { App } from "../app.js";

const SHELLS = ["bash", "zsh", "fish"] as const;
type Shell = (typeof SHELLS)[number];

/**
 * One command path (`"" | "bulk" | "billing invoices"`) with the words that may follow it
 * (subcommands, or the choices of its first argument) and its options.
 */
interface Node {
  path: string;
  subcommands: string[];
  options: string[];
}

/** The command tree as completion needs it, read from the program itself: it never goes stale. */
export function completionTree(root: Command): Node[] {
  const nodes: Node[] = [];
  const globals = root.options.flatMap((o) => [o.short, o.long].filter((f): f is string => !!f));
  const walk = (cmd: Command, path: string) => {
    const own = cmd.options.flatMap((o) => [o.short, o.long].filter((f): f is string => !!f));
    nodes.push({
      path,
      subcommands: cmd.commands.length
        ? cmd.commands.map((c) => c.name())
        : [...(cmd.registeredArguments[0]?.argChoices ?? [])],
      options: [...new Set([...own, ...globals, "--help"])],
    });
    for (const c of cmd.commands) walk(c, path ? `${path} ${c.name()}` : c.name());
  };
  walk(root, "");
  return nodes;
}

export function completionScript(root: Command, kind: Shell): string {
  const nodes = completionTree(root);
  if (kind === "fish") return fishScript(nodes);
  const cases = nodes
    .map((n) => `    "${n.path}") subs="${n.subcommands.join(" ")}"; opts="${n.options.join(" ")}" ;;`)
    .join("\n");
  const bash = `# hrdkit completion for bash (zsh: through bashcompinit). Install:
#   hrdkit completion bash > ~/.local/share/bash-completion/completions/hrdkit
_hrdkit_words() {
  local subs="" opts=""
  case "$1" in
${cases}
  esac
  printf '%s\\n' "$subs" "$opts"
}
_hrdkit() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" w i words subs opts
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    words="$(_hrdkit_words "$path")"
    subs="\${words%%$'\\n'*}"
    [[ " $subs " == *" $w "* ]] && path="\${path:+$path }$w"
  done
  words="$(_hrdkit_words "$path")"
  subs="\${words%%$'\\n'*}"
  opts="\${words#*$'\\n'}"
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [[ -n "$subs" ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _hrdkit hrdkit
`;
  if (kind === "bash") return bash;
  return `#compdef hrdkit
# hrdkit completion for zsh. Install: hrdkit completion zsh > "\${fpath[1]}/_hrdkit"
autoload -U +X bashcompinit && bashcompinit
${bash}`;
}

function fishScript(nodes: Node[]): string {
  const lines = [
    "# hrdkit completion for fish. Install: hrdkit completion fish > ~/.config/fish/completions/hrdkit.fish",
  ];
  lines.push("complete -c hrdkit -f");
  for (const n of nodes) {
    const words = n.path ? n.path.split(" ") : [];
    // fish: the subcommand path seen so far, exactly (the last word decides which list applies).
    const cond = words.length
      ? `__fish_seen_subcommand_from ${words[words.length - 1]}`
      : "__fish_use_subcommand";
    if (n.subcommands.length) lines.push(`complete -c hrdkit -n '${cond}' -a '${n.subcommands.join(" ")}'`);
    for (const o of n.options.filter((x) => x.startsWith("--"))) {
      lines.push(`complete -c hrdkit -n '${cond}' -l ${o.slice(2)}`);
    }
    if (!n.subcommands.length && words.length) lines.push(`complete -c hrdkit -n '${cond}' -F`);
  }
  return `${lines.join("\n")}\n`;
}

/** `hrdkit completion bash|zsh|fish`: prints the completion script for the shell. */
export function registerCompletion(program: Command, app: App): void {
  program
    .command("completion")
    .description("print the shell completion script (bash, zsh or fish)")
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(SHELLS))
    .addHelpText(
      "after",
      `
Examples:
  $ hrdkit completion bash > ~/.local/share/bash-completion/completions/hrdkit
  $ hrdkit completion zsh > "\${fpath[1]}/_hrdkit"
  $ hrdkit completion fish > ~/.config/fish/completions/hrdkit.fish
  $ source <(hrdkit completion bash)     # this shell only`,
    )
    .action((kind: Shell, _opts: unknown, cmd: Command) => {
      let root = cmd;
      while (root.parent) root = root.parent;
      app.io.stdout.write(completionScript(root, kind));
    });
}
