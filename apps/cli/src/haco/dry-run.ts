import type { ApiClient } from './api-client';
import type { OperatorOptions, WaitOptions } from './issue';
import { continuePeer } from './issue';
import type { PeerName } from './peer-name';
import { table } from './table';
import { write } from './views';

interface Preview {
  transitions: { server: string; from: string; to: string; cause: string }[];
  servers: { server: string; state: string; scopes: string[]; dhcpEnabled: boolean; paused: boolean }[];
  stopsAt: { server: string; state: string; pause: string } | null;
  pausesAhead: { server: string; state: string; pause: string }[];
}

/**
 * `haco continue PEER --dry-run`: what the release would do, as the coordinator previews it from the
 * pair's folded states (docs/operator-guide.md). Nothing is sent to the peer or recorded.
 */
export async function previewRelease(api: ApiClient, target: PeerName, json: boolean): Promise<number> {
  const answer = await api.post<{ result: number; text: string; arguments?: Preview }>(
    `/peers/${target.cluster}/${target.peer}/commands`,
    { command: 'ha-continue', dryRun: true },
  );
  if (json || answer.arguments === undefined) {
    write(JSON.stringify(answer));
    return answer.result === 0 ? 0 : 1;
  }
  const p = answer.arguments;
  write(`If ${target.cluster}/${target.peer} were released now (${answer.text}):`);
  write(
    p.transitions.length === 0
      ? 'no transition would follow'
      : table(
          ['SERVER', 'FROM', 'TO', 'CAUSE'],
          p.transitions.map((t) => [t.server, t.from, t.to, t.cause]),
        ),
  );
  write(
    table(
      ['SERVER', 'WOULD END IN', 'SCOPES', 'DHCP', 'PAUSED'],
      p.servers.map((s) => [
        s.server,
        s.state,
        s.scopes.join(',') || '-',
        s.dhcpEnabled ? 'enabled' : 'disabled',
        s.paused ? 'yes' : 'no',
      ]),
    ),
  );
  if (p.stopsAt !== null)
    write(`It would stop at a pause: ${p.stopsAt.server} in ${p.stopsAt.state} (${p.stopsAt.pause}).`);
  write(
    p.pausesAhead.length === 0
      ? 'No pause ahead.'
      : `Pauses ahead: ${p.pausesAhead.map((a) => `${a.server} in ${a.state} (${a.pause})`).join(', ')}.`,
  );
  return 0;
}

/** `haco continue`: the release, or with --dry-run its preview. */
export function continueOrPreview(
  api: ApiClient,
  target: PeerName,
  options: OperatorOptions & WaitOptions & { readonly dryRun?: boolean; readonly json?: boolean },
): Promise<number> {
  return options.dryRun === true
    ? previewRelease(api, target, options.json === true)
    : continuePeer(api, target, options, options);
}
