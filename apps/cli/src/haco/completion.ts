import type { Command } from 'commander';

/**
 * A bash completion script for `haco`, generated from the program itself (its commands and their
 * options), so that it cannot drift from them: `source <(haco completion)`.
 */
export function bashCompletion(program: Command): string {
  const commands = program.commands.filter((c) => c.name() !== 'help');
  const options = (command: Command) =>
    command.options
      .map((o) => o.long)
      .filter(Boolean)
      .join(' ');
  const cases = commands.map((c) => `    ${c.name()}) words="${options(c)} --help" ;;`).join('\n');
  return `# bash completion for haco (source <(haco completion))
_haco() {
  local cur words command
  cur="\${COMP_WORDS[COMP_CWORD]}"
  command="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    words="${commands.map((c) => c.name()).join(' ')} ${options(program)} --help"
  else
    case "$command" in
${cases}
    *) words="" ;;
    esac
  fi
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -F _haco haco
`;
}
