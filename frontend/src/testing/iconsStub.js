/**
 * Paragon's icon barrel (thousands of modules) stands in for tests as one component per name:
 * babel would otherwise transform every icon file on a cold cache, most of the suite's time.
 */
const React = require('react');

const cache = {};

module.exports = new Proxy({}, {
  get(target, name) {
    if (name === '__esModule') { return true; }
    if (typeof name !== 'string') { return undefined; }
    if (!cache[name]) {
      const Icon = (props) => React.createElement('svg', { 'data-icon': name, ...props });
      Icon.displayName = name;
      cache[name] = Icon;
    }
    return cache[name];
  },
});
