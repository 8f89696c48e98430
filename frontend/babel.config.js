const { createConfig } = require('@openedx/frontend-build');

module.exports = createConfig('babel');
