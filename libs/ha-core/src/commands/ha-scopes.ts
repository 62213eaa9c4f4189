import { adjustDhcpService } from '../machine/entry-actions';
import { validScopeNames } from '../topology';
import type { CommandContext } from './command-context';
import { argumentMap } from './command-context';

/** Operator: serve exactly these scopes (server names), all or nothing (spec 5.10). */
export function haScopes(ctx: CommandContext): void {
  const args = argumentMap(ctx);
  if (typeof args === 'string') return ctx.error(args);
  const scopes = args['scopes'];
  if (scopes === undefined) return ctx.error("'scopes' is mandatory for the 'ha-scopes' command");
  if (!Array.isArray(scopes)) return ctx.error("'scopes' must be a list in the 'ha-scopes' command");
  const names: string[] = [];
  for (const scope of scopes as unknown[]) {
    if (typeof scope !== 'string') return ctx.error("scope name must be a string in the 'scopes' argument");
    names.push(scope);
  }
  const valid = validScopeNames(ctx.d.state.config);
  const invalid = names.find((name) => !valid.includes(name));
  if (invalid !== undefined) {
    return ctx.error(`invalid server name specified '${invalid}' while enabling/disabling HA scopes`);
  }
  ctx.d.emit({ type: 'ScopesServed', scopes: [...new Set(names)].sort(), commandId: ctx.commandId });
  adjustDhcpService(ctx.d, 'ha-scopes');
  ctx.ok('New HA scopes configured.');
}
