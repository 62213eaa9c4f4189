import type { HaState } from '../src';
import type { CommunicationStatus, HaMode, PartnerState, PeerRole } from '../src/probe';
import { settledMachine } from '../src/probe';
import { haConfig, stepOnce } from './support';

/**
 * The compact matrices of spec section 2.12, cell for cell: one handler step, communication ok (unless the
 * column says otherwise), no clock skew, not paused, sync-leases on. '=' is "stays"; [primary, other] where
 * the secondary or standby differs.
 */
const NAMES: Record<string, HaState> = {
  CR: 'communication-recovery',
  HS: 'hot-standby',
  LB: 'load-balancing',
  IM: 'in-maintenance',
  PD: 'partner-down',
  PIM: 'partner-in-maintenance',
  R: 'ready',
  S: 'syncing',
  T: 'terminated',
  W: 'waiting',
};
const PARTNER_COLUMNS = ['CR', 'HS', 'LB', 'IM', 'PD', 'PIM', 'R', 'S', 'T', 'W'];
const UNAVAILABLE: CommunicationStatus[] = ['ok', 'interrupted', 'failed'];
type Cell = string | [string, string];

const LOAD_BALANCING: Record<string, Cell[]> = {
  CR: ['LB', 'W', 'LB', 'PIM', 'W', 'IM', '=', '=', 'T', '=', '=', '=', 'PD'],
  LB: ['=', 'W', '=', 'PIM', 'W', 'IM', '=', '=', 'T', '=', 'CR', 'CR', 'PD'],
  IM: ['=', '=', '=', '=', '=', '=', '=', '=', '=', '=', '=', '=', '='],
  PD: ['W', 'W', '=', '=', 'W', 'W', 'LB', '=', 'T', '=', '=', '=', '='],
  PIM: ['=', '=', '=', '=', '=', '=', '=', '=', '=', '=', 'PD', 'PD', 'PD'],
  R: ['LB', 'W', 'LB', 'PIM', '=', 'IM', ['LB', '='], '=', 'T', '=', '=', 'PD', 'PD'],
  W: ['S', '=', 'S', 'S', 'S', 'S', 'S', '=', '=', ['S', '='], '=', 'PD', 'PD'],
};

const HOT_STANDBY: Record<string, Cell[]> = {
  HS: ['W', '=', 'W', 'PIM', 'W', 'IM', '=', '=', 'T', '=', '=', ['PD', '='], 'PD'],
  PD: ['W', '=', 'W', '=', 'W', 'W', 'HS', '=', 'T', '=', '=', '=', '='],
  PIM: ['=', '=', '=', '=', '=', '=', '=', '=', '=', '=', 'PD', 'PD', 'PD'],
  R: ['W', 'HS', 'W', 'PIM', '=', 'IM', ['HS', '='], '=', 'T', '=', '=', 'PD', 'PD'],
  W: ['=', 'S', '=', 'S', 'S', 'S', 'S', '=', '=', ['S', '='], '=', 'PD', 'PD'],
};

interface MatrixCase {
  mode: HaMode;
  role: PeerRole;
  local: HaState;
  partner: PartnerState;
  communication: CommunicationStatus;
  expected: HaState;
}

function expand(mode: HaMode, roles: [PeerRole, PeerRole], matrix: Record<string, Cell[]>): MatrixCase[] {
  const cases: MatrixCase[] = [];
  for (const [row, cells] of Object.entries(matrix)) {
    const local = NAMES[row];
    cells.forEach((cell, column) => {
      roles.forEach((role, roleIndex) => {
        const text = Array.isArray(cell) ? cell[roleIndex] : cell;
        const expected = text === '=' ? local : NAMES[text];
        const unavailable = column >= PARTNER_COLUMNS.length;
        cases.push({
          mode,
          role,
          local,
          partner: unavailable ? 'unavailable' : NAMES[PARTNER_COLUMNS[column]],
          communication: unavailable ? UNAVAILABLE[column - PARTNER_COLUMNS.length] : 'ok',
          expected,
        });
      });
    });
  }
  return cases;
}

const CASES = [
  ...expand('load-balancing', ['primary', 'secondary'], LOAD_BALANCING),
  ...expand('hot-standby', ['primary', 'standby'], HOT_STANDBY),
];

describe('spec 2.12 transition matrices (one handler step)', () => {
  it('covers every cell of both matrices for both active roles', () => {
    expect(CASES).toHaveLength((7 + 5) * 13 * 2);
  });

  it.each(CASES)(
    '$mode $role in $local, partner $partner, communication $communication -> $expected',
    (c) => {
      const config = haConfig(c.mode, c.role);
      const machine = settledMachine(config, c.local, {
        partner: {
          state: c.partner,
          scopes: [],
          unsentUpdateCount: 0,
          previousUnsentUpdateCount: 0,
          clockSkewSeconds: 0,
        },
        communication: {
          status: c.communication,
          ageSeconds: 0,
          connectingClients: 0,
          unackedClients: 0,
          analyzedPackets: 0,
        },
      });
      const { machine: after } = stepOnce(machine);
      expect(after.state).toBe(c.expected);
      expect(after.paused).toBe(false);
    },
  );
});
