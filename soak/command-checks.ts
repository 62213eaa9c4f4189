import type { CoordinatorProcess } from '../tools/harness/coordinator-process';
import type { Check } from './checker';

/**
 * Every command a coordinator answered is recorded once, with one outcome; no command is recorded twice
 * (whichever replica took it, and whatever was killed meanwhile).
 */
export function checkCommandsOnce(
  answered: readonly string[],
  recorded: readonly { commandId: string; outcome: string }[],
): Check {
  const times = new Map<string, number>();
  for (const c of recorded) times.set(c.commandId, (times.get(c.commandId) ?? 0) + 1);
  const problems = [
    ...[...times].filter(([, n]) => n > 1).map(([id, n]) => `${id} recorded ${n} times`),
    ...answered
      .filter((id) => times.get(id) !== 1)
      .map((id) => `${id} answered, recorded ${times.get(id) ?? 0} times`),
    ...recorded
      .filter((c) => answered.includes(c.commandId) && c.outcome === 'pending')
      .map((c) => `${c.commandId} answered but its outcome is not recorded`),
  ];
  return {
    name: 'every command recorded exactly once',
    passed: problems.length === 0,
    detail:
      problems.length === 0
        ? `${answered.length} answered, ${recorded.length} recorded`
        : problems.slice(0, 5).join('; '),
  };
}

/** Every command the soak's operator sent, as the coordinator's log lists them. */
export async function recordedCommands(coordinator: CoordinatorProcess) {
  const all: { commandId: string; outcome: string }[] = [];
  for (let offset = 0; ; offset += 1_000) {
    const page = await coordinator.get<{ total: number; commands: { commandId: string; outcome: string }[] }>(
      `/commands?who=soak&limit=1000&offset=${offset}`,
    );
    all.push(...page.commands);
    if (all.length >= page.total || page.commands.length === 0) return all;
  }
}
