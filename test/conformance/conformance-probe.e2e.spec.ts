import { join } from 'node:path';
import { mismatches } from '../support/expectations';
import { readVectors, runConformance, sharedExamples } from '../support/conformance-cli';

/** Runs vectors through the real `npm run --silent conformance -- FILE` and checks every expected_* field. */
function checkThroughProbe(vectors: Record<string, unknown>[]) {
  const { status, lines } = runConformance(vectors.map((v) => JSON.stringify(v)).join('\n'));
  expect(status).toBe(0);
  expect(lines.map((l) => l['id'])).toEqual(vectors.map((v) => v['id']));
  return vectors
    .map((vector, index) => ({ id: vector['id'], problems: mismatches(vector, lines[index]) }))
    .filter((r) => r.problems.length > 0);
}

describe('npm run conformance', () => {
  it('passes the project\u2019s own example of every kind, and ../shared/CONFORMANCE.md\u2019s where it is there', () => {
    const own = readVectors(join(__dirname, 'examples.jsonl'));
    expect(new Set(own.map((example) => example['kind'])).size).toBe(11);
    const examples = [...own, ...sharedExamples()];
    expect(checkThroughProbe(examples)).toEqual([]);
  });

  it('passes the vectors written from KEA-HA-SPEC.md', () => {
    const vectors = readVectors(join(__dirname, 'vectors.jsonl'));
    expect(vectors.length).toBeGreaterThan(50);
    expect(checkThroughProbe(vectors)).toEqual([]);
  });

  it('reads a JSON array too, and keeps going past cases it cannot run', () => {
    const file = JSON.stringify([
      { id: 'a', kind: 'forced-transition', state: 'waiting', target_state: 'ready' },
      { id: 'b', kind: 'no-such-kind' },
      {
        id: 'c',
        kind: 'step',
        mode: 'load-balancing',
        state: 'waiting',
        partner_state: 'syncing',
        surprise: 1,
      },
    ]);
    const { status, lines } = runConformance(file);
    expect(status).toBe(0);
    expect(lines).toEqual([
      expect.objectContaining({ id: 'a', state: 'ready', paused: false }),
      { id: 'b', error: "unknown kind 'no-such-kind'" },
      expect.objectContaining({ id: 'c', state: 'waiting' }),
    ]);
  });

  it('answers an unreadable line with an error line and goes on', () => {
    const { status, lines } = runConformance(
      '{"id": "x", "kind": "status-get"}\nnot json\n{"id": "y", "kind": "startup"}\n',
    );
    expect(status).toBe(0);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatchObject({ id: null, error: expect.any(String) });
    expect(lines[2]).toMatchObject({ id: 'y', state: 'waiting' });
  });
});
