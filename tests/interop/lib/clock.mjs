// Fixes the process clock for libraries that take no `now` option
// (@digitalcredentials/verifier-core checks expiry against `new Date()`).
// `new Date()` and `Date.now()` return the fixed instant; every other use of
// Date is unchanged.
export function installFixedClock(iso) {
  const RealDate = globalThis.Date;
  const fixed = new RealDate(iso).getTime();
  if(Number.isNaN(fixed)) {
    throw new TypeError(`"now" is not a valid date: ${iso}`);
  }
  class FixedDate extends RealDate {
    constructor(...args) {
      if(args.length === 0) {
        super(fixed);
      } else {
        super(...args);
      }
    }
    static now() {
      return fixed;
    }
  }
  globalThis.Date = FixedDate;
  return () => {
    globalThis.Date = RealDate;
  };
}
