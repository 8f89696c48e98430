const { createConfig } = require('@openedx/frontend-build');

module.exports = createConfig('jest', {
  setupFilesAfterEnv: ['<rootDir>/src/setupTest.js'],
  testPathIgnorePatterns: ['/node_modules/', '/harness/', '/harness-dist/'],
  // The package has no env.config of its own; MFEs' config does not matter to these tests.
});
