import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from './import-graph';

/** The README stays short and every topic lives in docs/, one a file, every link resolving. */
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const docs = readdirSync(join(ROOT, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => join('docs', name));
const pages = ['README.md', ...docs];

const textOf = (page: string): string => readFileSync(join(ROOT, page), 'utf8');

/** Markdown links and images to files of the project (web addresses and in-page anchors aside). */
function localLinks(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1].split('#')[0])
    .filter((target) => target.length > 0 && !/^[a-z]+:/.test(target));
}

/** Paths a page names in code spans (`docs/x.md`, `test/...`): they must exist too (run outputs aside). */
function namedPaths(text: string): string[] {
  return [...text.matchAll(/`((?:docs|test|deploy|examples|scripts|bench|soak|tools)\/[\w./-]+\.\w+)`/g)]
    .map((m) => m[1])
    .filter((path) => !/^(bench|soak)\/results\//.test(path));
}

/** What on `page` (with `text`) points at nothing. */
const brokenOn = (page: string, text: string): string[] => [
  ...localLinks(text).filter((target) => !existsSync(join(ROOT, dirname(page), target))),
  ...namedPaths(text).filter((path) => !existsSync(join(ROOT, path))),
];

describe('the documentation', () => {
  it('opens the README with exactly the two commands: the main job and the tests', () => {
    const first = /```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = first.split('\n').filter((line) => line.trim().length > 0);
    expect(commands.map((line) => line.split('#')[0].trim())).toEqual(['bash scripts/start.sh', 'npm test']);
  });

  it('keeps the README to about 200 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(200);
  });

  it('links every topic in docs/ from the README', () => {
    const linked = new Set(localLinks(readme));
    expect(docs.filter((page) => !linked.has(page))).toEqual([]);
  });

  it.each(pages)('%s: every link and every named path resolves', (page) => {
    expect(brokenOn(page, textOf(page))).toEqual([]);
  });

  it('catches a planted broken link and a planted missing path', () => {
    const planted = `${textOf('docs/api.md')}\nSee [a topic](no-such-topic.md) and \`test/no/such.spec.ts\`.\n`;
    expect(brokenOn('docs/api.md', planted)).toEqual(['no-such-topic.md', 'test/no/such.spec.ts']);
  });
});
