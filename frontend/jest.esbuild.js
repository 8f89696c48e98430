/**
 * Jest transformer for the ES modules of dependencies (Paragon, frontend-platform): esbuild
 * turns them into CommonJS in milliseconds where babel takes over a minute on a cold cache.
 * The package's own code keeps the platform's babel configuration.
 */
const crypto = require('crypto');
const { transformSync } = require('esbuild');

module.exports = {
  getCacheKey(source, filename) {
    return crypto.createHash('sha1').update('esbuild-1').update(filename).update(source).digest('hex');
  },
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: filename.endsWith('.jsx') ? 'jsx' : 'js',
      format: 'cjs',
      target: 'node18',
      sourcemap: 'inline',
      sourcefile: filename,
    });
    return { code, map };
  },
};
