import { spawn } from 'node:child_process';

/**
 * Tells systemd the service is ready (Type=notify units), when systemd asked for it (NOTIFY_SOCKET). Node
 * cannot write to a unix datagram socket and the sd_notify bindings are native addons, so this runs
 * systemd's own `systemd-notify` on the process's behalf (the units set NotifyAccess=all for it). Outside
 * systemd it does nothing.
 */
export function notifyReady(status: string): void {
  if (process.env.NOTIFY_SOCKET === undefined) return;
  const child = spawn('systemd-notify', ['--ready', `--pid=${process.pid}`, `--status=${status}`], {
    stdio: 'ignore',
  });
  child.on('error', () => undefined);
  child.unref();
}
