const path = require('path');
const { createConfig } = require('@openedx/frontend-build');

const config = createConfig('jest', {
  setupFilesAfterEnv: ['<rootDir>/src/setupTest.js'],
  testPathIgnorePatterns: ['/node_modules/', '/harness/', '/harness-dist/'],
  // Two busy CI cores type slowly; a test that needs longer than this is stuck, not slow.
  testTimeout: 30000,
});

// Dependencies' ES modules (Paragon, frontend-platform) through esbuild, fast; ours through the
// platform's babel. Jest takes the first pattern that matches, so ours goes first.
config.transform = {
  '/node_modules/.+\\.m?jsx?$': path.resolve(__dirname, 'jest.esbuild.js'),
  ...config.transform,
};
config.moduleNameMapper = {
  ...config.moduleNameMapper,
  '^@openedx/paragon/icons$': path.resolve(__dirname, 'src/testing/iconsStub.js'),
};

module.exports = config;
