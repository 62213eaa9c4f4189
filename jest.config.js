/** Jest runs every *.spec.ts under apps/, libs/ and test/; type checking is `npm run typecheck`'s job. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test', '<rootDir>/tools'],
  testRegex: '.*\\.spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  moduleNameMapper: {
    '^@haco/ha-core$': '<rootDir>/libs/ha-core/src',
    '^@haco/ha-core/(.*)$': '<rootDir>/libs/ha-core/src/$1',
    '^@haco/contracts$': '<rootDir>/libs/contracts/src',
    '^@haco/event-store$': '<rootDir>/libs/event-store/src',
    '^@haco/common$': '<rootDir>/libs/common/src',
    '^@haco/nats$': '<rootDir>/libs/nats/src',
  },
};
