// The harness sets its configuration in platform.js; MFEs' build-time env.config is empty here.
export default {};
