import type { CommandContext } from './command-context';

/**
 * The DHCP server's own dhcp-disable / dhcp-enable, which a syncing partner sends. In Kea 2.2.0 they flip
 * the same switch HA sets on state entry (spec 3). A `max-period` re-enable is the adapter's timer.
 */
export function dhcpDisable(ctx: CommandContext): void {
  const args = ctx.request.arguments;
  let maxPeriod = 0;
  if (args !== undefined && args !== null) {
    if (typeof args !== 'object' || Array.isArray(args)) {
      return ctx.error("arguments for the 'dhcp-disable' command must be a map");
    }
    const map = args as { readonly [key: string]: unknown };
    if (map['max-period'] !== undefined) {
      const value = map['max-period'];
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        return ctx.error("'max-period' argument must be a number");
      }
      if (value < 1) return ctx.error("'max-period' must be positive integer");
      maxPeriod = value;
    }
    if (map['origin'] !== undefined && typeof map['origin'] !== 'string') {
      return ctx.error("'origin' argument must be a string");
    }
  }
  if (ctx.d.state.dhcpEnabled) {
    ctx.d.emit({ type: 'DhcpServiceSwitched', enabled: false, reason: 'dhcp-disable' });
  }
  ctx.ok(maxPeriod > 0 ? `DHCPv4 service disabled for ${maxPeriod} seconds` : 'DHCPv4 service disabled');
}

export function dhcpEnable(ctx: CommandContext): void {
  if (!ctx.d.state.dhcpEnabled)
    ctx.d.emit({ type: 'DhcpServiceSwitched', enabled: true, reason: 'dhcp-enable' });
  ctx.ok('DHCP service successfully enabled');
}
