const { createConfig } = require('@openedx/frontend-build');

module.exports = createConfig('eslint', {
  overrides: [
    {
      // Test helpers and the sandbox harness are development code.
      files: ['src/testing/**', 'harness/**', '**/*.test.js', '**/*.test.jsx'],
      rules: {
        'import/no-extraneous-dependencies': ['error', { devDependencies: true }],
        'max-classes-per-file': 'off',
      },
    },
  ],
});
