/** ok / interrupted / failed as spec 1.5 defines them, with the traffic-analysis counters behind them. */
export type CommunicationStatus = 'ok' | 'interrupted' | 'failed';

/**
 * What failure detection reports to the machine. It lives below the machine (which folds it into its
 * state) so that the tracker computing it never has to look up at the machine.
 */
export interface CommunicationView {
  readonly status: CommunicationStatus;
  /** Whole seconds since the last successful heartbeat (or since the service started). */
  readonly ageSeconds: number;
  readonly connectingClients: number;
  readonly unackedClients: number;
  readonly analyzedPackets: number;
}

export const INITIAL_COMMUNICATION: CommunicationView = {
  status: 'ok',
  ageSeconds: 0,
  connectingClients: 0,
  unackedClients: 0,
  analyzedPackets: 0,
};
