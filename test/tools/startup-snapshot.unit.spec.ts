import { runInNewContext } from 'node:vm';
import { asciiOnly, lazyBuiltinSource } from '../../scripts/startup-snapshot';

/** The stand-in a snapshot's bundle gets for a builtin the snapshot builder cannot hold, run with `loads`. */
function standIn(name: string, loads: string[]): Record<string, unknown> {
  const real = { request: () => 'requested', STATUS_CODES: { 404: 'Not Found' } };
  const module = { exports: {} as Record<string, unknown> };
  const process = {
    getBuiltinModule: (id: string) => {
      loads.push(id);
      return real;
    },
  };
  runInNewContext(lazyBuiltinSource(name, Object.keys(real)), { module, process, Proxy, JSON });
  return module.exports;
}

describe("the startup snapshot's build", () => {
  it('gives a builtin that is loaded only when one of its names is used, not when esbuild copies its names', () => {
    const loads: string[] = [];
    const http = standIn('http', loads);
    // What esbuild's interop does when an ES module imports it: asks __esModule, lists and describes names.
    expect(http.__esModule).toBeUndefined();
    expect(Object.keys(http)).toEqual(['request', 'STATUS_CODES']);
    expect(Object.getOwnPropertyDescriptor(http, 'request')?.enumerable).toBe(true);
    expect('request' in http).toBe(true);
    expect(loads).toEqual([]);
    expect((http.request as () => string)()).toBe('requested');
    expect((http.STATUS_CODES as Record<number, string>)[404]).toBe('Not Found');
    expect(loads).toEqual(['node:http']);
  });

  it('writes what is not ASCII as escapes that mean the same, in strings and regular expressions', () => {
    const source = "[/(ns|µs|ms)/.test('5µs'), 'café €', `😀`.length]";
    const escaped = asciiOnly(source);
    expect(/[\u0080-\uffff]/.test(escaped)).toBe(false);
    expect(runInNewContext(escaped)).toEqual(runInNewContext(source));
    expect(runInNewContext(escaped)).toEqual([true, 'café €', 2]);
  });
});
