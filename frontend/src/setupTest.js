import '@testing-library/jest-dom';

// Paragon's form groups update their id lists while unmounting, outside any act(); React warns
// about it in every test that removes a field. That one warning says nothing about our code.
const consoleError = console.error; // eslint-disable-line no-console
jest.spyOn(console, 'error').mockImplementation((...args) => {
  const text = args.map(String).join(' ');
  if (text.includes('not wrapped in act') && text.includes('FormGroupContextProvider')) {
    return;
  }
  consoleError(...args);
});

// jsdom has no ResizeObserver; Paragon's tabs watch their size with one.
if (!global.ResizeObserver) {
  global.ResizeObserver = class {
    observe() {} // eslint-disable-line class-methods-use-this

    unobserve() {} // eslint-disable-line class-methods-use-this

    disconnect() {} // eslint-disable-line class-methods-use-this
  };
}
